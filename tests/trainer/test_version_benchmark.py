"""The offline benchmark's gate and ranker measure (trainer.version_benchmark); the whole
benchmark on real versions runs in test_training_job.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from trainer.recsys.ranker import Ranker, RankerConfig, export_ranker
from trainer.version_benchmark import GATE_METRIC, ranker_category_precision, regressed, wands_queries_file


def test_any_drop_in_the_gate_metric_regresses_and_a_tie_does_not() -> None:
    baseline = {GATE_METRIC: 0.5, "catalog_recall@10": 0.9}
    assert regressed({GATE_METRIC: 0.4999, "catalog_recall@10": 1.0}, baseline)
    assert not regressed({GATE_METRIC: 0.5, "catalog_recall@10": 0.1}, baseline)
    assert not regressed({GATE_METRIC: 0.6, "catalog_recall@10": 0.9}, baseline)


def ranker_with_projection(projection: np.ndarray) -> dict[str, object]:
    config = RankerConfig(dims=projection.shape[0])
    return export_ranker(Ranker(projection.shape[1], config, projection.astype(np.float32)), 0.7, 50)


def test_ranker_precision_counts_same_intent_neighbours_through_the_projection() -> None:
    rng = np.random.default_rng(0)
    # Two intents told apart by dimension 0 only; dimension 1 is large noise.
    items = np.zeros((24, 2), dtype=np.float32)
    items[:, 0] = np.repeat([1.0, -1.0], 12)
    items[:, 1] = rng.normal(0, 5, 24)
    intents = ["a"] * 12 + ["b"] * 12
    sees_intent = ranker_with_projection(np.array([[1.0, 0.0]]))
    sees_noise = ranker_with_projection(np.array([[0.0, 1.0]]))
    assert ranker_category_precision(sees_intent, items, intents) == 1.0
    assert ranker_category_precision(sees_noise, items, intents) < 0.8


def test_wands_folder_follows_privet_datasets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVET_DATASETS", str(tmp_path))
    assert wands_queries_file() is None
    (tmp_path / "wands_queries").mkdir()
    (tmp_path / "wands_queries" / "query.csv").write_text("query\tquery_class\nsofa\tSofas\n")
    assert wands_queries_file() == tmp_path / "wands_queries" / "query.csv"
