from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from tests.trainer.recsys.synthetic import successor_dataset
from trainer.recsys.cooccurrence import CooccurrenceConfig
from trainer.recsys.harness import evaluate
from trainer.recsys.ranker import (
    Ranker,
    RankerConfig,
    RankerScorer,
    export_ranker,
    fit_ranker,
    fold_feature_sources,
)


def random_unit_rows(n: int, dims: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, dims)).astype(np.float32)
    unit: np.ndarray = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return unit


def test_ranker_learns_the_sequence_and_beats_what_it_starts_from() -> None:
    torch.set_num_threads(1)
    dataset = successor_dataset(n_items=40, n_users=200)
    embeddings = random_unit_rows(40, 16, seed=1)  # text says nothing here: co-occurrence must carry it
    co = CooccurrenceConfig(window=1, backward=0.0, alpha=0.5, top_k=10)
    serving, fold_sources, folds = fold_feature_sources(dataset, embeddings, co, 0.5, 10, folds=2, seed=0)
    config = RankerConfig(dims=8, max_history=5, epochs=6, patience=6, batch=64)
    untrained = RankerScorer(Ranker(16, config), serving)
    before = evaluate(untrained, dataset.valid)["ndcg@10"]
    model, best = fit_ranker(dataset, fold_sources, folds, serving, config, log=lambda _: None)
    assert best > 0.8 > before
    assert float(model.feature_weights.detach()[:, 0].min()) > 0  # it learned to trust co-occurrence


def test_export_lists_every_weight_for_the_browser(tmp_path: Path) -> None:
    model = Ranker(16, RankerConfig(dims=4, max_history=3))
    exported = export_ranker(model, knn_decay=0.7, knn_max_history=50)
    assert exported["shared_parameters"] == 4 * 16 + 4 + 3 + 2 * 5
    assert exported["features"] == ["knn", "popularity", "in_history", "last_cosine", "no_orders"]
    (tmp_path / "ranker.json").write_text(json.dumps(exported))  # JSON-serialisable as is
