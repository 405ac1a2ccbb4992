"""trainer.federated.score_rankers: the command bench/federated-server.ts scores the server's
rankers with, on a tiny RecBole dataset with random item embeddings standing in for the encoder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.trainer.federated.test_simulate import unit_rows
from tests.trainer.recsys.synthetic import write_recbole
from trainer.federated.score_rankers import main
from trainer.recsys.publish_ranker import prior_ranker

ITEMS = 24


@pytest.fixture()
def dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr("trainer.federated.score_rankers.browser_item_matrix",
                        lambda texts, models_dir: (np.zeros((ITEMS, 8), np.int8), np.ones(ITEMS, np.float32)))
    monkeypatch.setattr("trainer.federated.score_rankers.dequantize", lambda codes, scales: unit_rows(ITEMS, 8, seed=2))
    return write_recbole(tmp_path / "data", "Tiny", n_items=ITEMS, n_users=60)


def test_scores_each_ranker_and_the_reference_simulation(dataset: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    ranker = tmp_path / "prior.json"
    ranker.write_text(json.dumps(prior_ranker(unit_rows(ITEMS, 8, seed=2))))
    code = main(["--dataset", str(dataset), "--device", "cpu", "--ranker", f"start={ranker}",
                 "--ranker", f"again={ranker}", "--reference", "0.3,2,8,0.5"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    scores = result["scores"]
    assert list(scores) == ["start", "again", "python_simulation"]
    # The same file scores the same; each has test and valid metrics.
    assert scores["start"] == scores["again"]
    assert {"ndcg@10", "recall@10"} <= set(scores["start"]["test"]) and "ndcg@10" in scores["start"]["valid"]
    run = scores["python_simulation"]["run"]
    assert (run["rounds"], run["q"], run["clip_norm"], run["epsilon_target"]) == (2, 0.3, 0.5, 8.0)
    assert run["epsilon"] <= 8.0


def test_bad_arguments_say_what_was_expected(dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--dataset", str(dataset), "--ranker", "no-equals-sign"])
    assert "expected NAME=FILE" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--dataset", str(dataset), "--ranker", "a=x.json", "--reference", "0.3,2"])
    assert "expected Q,ROUNDS,EPSILON,CLIP" in capsys.readouterr().err
    assert main(["--dataset", str(dataset), "--ranker", "a=/nonexistent.json"]) == 2
    assert "score_rankers:" in capsys.readouterr().err
