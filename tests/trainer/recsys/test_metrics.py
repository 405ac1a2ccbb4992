from __future__ import annotations

import numpy as np
import pytest

from trainer.recsys.metrics import ranking_metrics, target_ranks


def test_ranks_count_ties_against_the_target() -> None:
    scores = np.array([[0.1, 0.9, 0.5, 0.5], [1.0, 1.0, 1.0, 1.0]])
    ranks = target_ranks(scores, np.array([2, 0]))
    assert ranks.tolist() == [2, 3]


def test_history_exclusion_removes_other_history_items_only() -> None:
    scores = np.array([[0.9, 0.8, 0.7, 0.1], [0.9, 0.8, 0.7, 0.1]])
    histories = [np.array([0, 1]), np.array([0, 2])]
    assert target_ranks(scores, np.array([2, 2]), histories).tolist() == [0, 1]


def test_recall_and_ndcg_at_cutoffs() -> None:
    metrics = ranking_metrics(np.array([0, 9, 10, 49, 50]))
    assert metrics["recall@10"] == pytest.approx(2 / 5)
    assert metrics["recall@50"] == pytest.approx(4 / 5)
    assert metrics["ndcg@10"] == pytest.approx((1 + 1 / np.log2(11)) / 5)


def test_non_finite_target_scores_are_rejected() -> None:
    with pytest.raises(ValueError, match="finite"):
        target_ranks(np.array([[np.nan, 1.0]]), np.array([0]))
