from __future__ import annotations

import numpy as np

from tests.trainer.recsys.synthetic import successor_dataset
from trainer.recsys.baselines import TextConfig, TextScorer, fit_popularity, tune_itemknn
from trainer.recsys.harness import evaluate


def test_itemknn_learns_what_popularity_cannot() -> None:
    dataset = successor_dataset()
    knn, _, valid_ndcg = tune_itemknn(dataset, log=lambda _: None)
    assert valid_ndcg > 0.5
    assert evaluate(knn, dataset.test)["recall@10"] > 0.9
    assert evaluate(fit_popularity(dataset), dataset.test)["recall@10"] < 0.4


def test_text_scores_by_weighted_history_cosine() -> None:
    embeddings = np.eye(4, dtype=np.float32)
    scorer = TextScorer(embeddings, TextConfig(decay=0.5, max_history=2))
    scores = scorer.score([np.array([0, 1, 2], dtype=np.int64), np.array([], dtype=np.int64)])
    assert scores[0].tolist() == [0.0, 0.5, 1.0, 0.0]  # item 0 is beyond max_history
    assert scores[1].tolist() == [0.0, 0.0, 0.0, 0.0]
