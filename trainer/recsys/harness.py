"""The evaluation harness every model goes through: a model is a Scorer (histories → one
score per catalogue item), and evaluate() ranks each row's target against all items."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from trainer.recsys.data import Split
from trainer.recsys.metrics import ranking_metrics, target_ranks

History = npt.NDArray[np.int64]


class Scorer(Protocol):
    def score(self, histories: Sequence[History]) -> npt.NDArray[np.float32]:
        """Scores of shape (len(histories), n_items); higher ranks first."""
        ...


def ranks(scorer: Scorer, split: Split, exclude_history: bool = False, batch: int = 1024) -> npt.NDArray[np.int64]:
    parts = []
    for start in range(0, len(split), batch):
        histories = split.histories[start:start + batch]
        scores = scorer.score(histories)
        parts.append(target_ranks(scores, split.targets[start:start + batch],
                                  histories if exclude_history else None))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def evaluate(scorer: Scorer, split: Split, exclude_history: bool = False) -> dict[str, float]:
    return ranking_metrics(ranks(scorer, split, exclude_history))
