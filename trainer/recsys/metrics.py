"""Full-ranking leave-one-out metrics: the target is ranked against every item.

Ties count against the target (rank = items scoring strictly higher plus the other items
tied with it), so a model that scores everything equal earns nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

CUTOFFS = (10, 50)
METRIC_NAMES = tuple(f"{m}@{k}" for k in CUTOFFS for m in ("recall", "ndcg"))


def target_ranks(scores: npt.NDArray[np.floating], targets: npt.NDArray[np.int64],
                 histories: Sequence[npt.NDArray[np.int64]] | None = None) -> npt.NDArray[np.int64]:
    """0-based rank of each row's target. With `histories`, the row's history items (other
    than the target itself, for a repeat purchase) are left out of the ranking, as a store
    would serve them."""
    scores = np.asarray(scores)
    rows = np.arange(len(targets))
    target_scores = scores[rows, targets].astype(np.float64)
    if not np.isfinite(target_scores).all():
        raise ValueError("scores must be finite at every target")
    higher = (scores > target_scores[:, None]).sum(axis=1)
    tied = (scores == target_scores[:, None]).sum(axis=1) - 1
    ranks: npt.NDArray[np.int64] = (higher + tied).astype(np.int64)
    if histories is not None:
        for row, history in enumerate(histories):
            others = np.unique(history[history != targets[row]])
            ranks[row] -= int((scores[row, others] >= target_scores[row]).sum())
    return ranks


def ranking_metrics(ranks: npt.NDArray[np.int64]) -> dict[str, float]:
    """Recall (= hit rate, one target per row) and NDCG at each cutoff."""
    result: dict[str, float] = {}
    for k in CUTOFFS:
        hit = ranks < k
        result[f"recall@{k}"] = float(hit.mean())
        result[f"ndcg@{k}"] = float(np.where(hit, 1.0 / np.log2(ranks + 2.0), 0.0).mean())
    return result
