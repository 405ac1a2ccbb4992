"""The evaluation CLI end to end on tiny RecBole files: every model runs, every table row is
produced by the run, and the JSON has the shape `npm run eval` promises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from tests.trainer.recsys.synthetic import write_recbole
from trainer.recsys import evaluate
from trainer.recsys.ranker import RankerConfig
from trainer.recsys.sasrec import SasrecConfig

MODELS = ["ours", "popularity", "itemknn", "sasrec", "text"]


def test_runs_every_model_on_any_recbole_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    torch.set_num_threads(1)
    dataset_dir = write_recbole(tmp_path / "Tiny", "Tiny", n_items=30, n_users=60)
    result = evaluate.run(
        dataset_dir, "cpu", 0, Path("models"), print, RankerConfig(dims=8, epochs=3, patience=3, batch=64), None,
        sasrec_grid=[SasrecConfig(hidden=16, layers=1, heads=1, max_len=8, epochs=2, patience=2, batch=32)],
    )
    assert result["split"] == "test" and result["dataset"] == "Tiny"
    assert list(result["models"]) == MODELS
    for metrics in result["models"].values():
        assert set(metrics) == {"recall@10", "ndcg@10", "recall@50", "ndcg@50"}
        assert all(0.0 <= v <= 1.0 for v in metrics.values())
    assert result["published"] == {}  # published numbers belong to Scientific only
    assert set(result["cold_start"]) == {"last_1_history_items", "last_2_history_items", "unseen_targets"}
    assert result["ours"]["shared_parameters"] == 8 * 384 + 8 + 50 + 2 * 5
    printed = capsys.readouterr().out
    assert "history items removed from the ranking" in printed
    assert result["browser_parity"]["mismatches"] == 0  # src/core/ranker.ts gives the trainer's top-10
    assert result["browser_parity"]["shoppers"] == 60
    json.dumps(result)  # serialisable as written


def test_a_missing_dataset_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = evaluate.main(["--dataset", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out.json")])
    assert code == 2
    assert "is not a directory" in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()
