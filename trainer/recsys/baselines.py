"""Baselines that go through the same harness as the ranker: popularity, item-kNN and
text similarity. Each is tuned on the valid split by NDCG@10 (tune_* functions)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from trainer.recsys.cooccurrence import (
    CooccurrenceConfig,
    history_weight_matrix,
    neighbour_matrix,
    occurrence_counts,
    recency_weights,
)
from trainer.recsys.data import RecDataset, most_recent
from trainer.recsys.harness import History, Scorer, evaluate

Log = Callable[[str], None]
S = TypeVar("S", bound=Scorer)
C = TypeVar("C")


class PopularityScorer:
    """Most-bought items first, identical for everyone (the cold-start floor)."""

    def __init__(self, counts: npt.NDArray[np.float64]) -> None:
        self.scores = counts.astype(np.float32)

    def score(self, histories: Sequence[History]) -> npt.NDArray[np.float32]:
        return np.tile(self.scores, (len(histories), 1))


def fit_popularity(dataset: RecDataset) -> PopularityScorer:
    return PopularityScorer(occurrence_counts(dataset.train_sequences(), dataset.n_items))


@dataclass(frozen=True)
class ItemKnnConfig:
    cooccurrence: CooccurrenceConfig
    decay: float  # recency weighting of the history
    max_history: int = 50


class ItemKnnScorer:
    """score(j) = Σ_i decay^(age of history item i) · S[h_i, j]; popularity breaks ties so
    a shopper whose items have no neighbours still gets a ranking."""

    def __init__(self, neighbours: sp.csr_matrix, config: ItemKnnConfig, popularity: npt.NDArray[np.float64]) -> None:
        self.neighbours = neighbours
        self.config = config
        self.tie_break = (1e-6 * popularity / max(popularity.max(), 1.0)).astype(np.float32)

    def score(self, histories: Sequence[History]) -> npt.NDArray[np.float32]:
        weights = history_weight_matrix(histories, self.neighbours.shape[0], self.config.decay, self.config.max_history)
        scores: npt.NDArray[np.float32] = np.asarray((weights @ self.neighbours).todense(), dtype=np.float32)
        scores += self.tie_break
        return scores


def best_on_valid(dataset: RecDataset, candidates: Iterable[tuple[S, C]], name: str,
                  log: Log) -> tuple[S, C, float]:
    """The candidate (scorer, config) with the highest valid NDCG@10, logging each new best."""
    best: tuple[S, C, float] | None = None
    for scorer, config in candidates:
        ndcg = evaluate(scorer, dataset.valid)["ndcg@10"]
        if best is None or ndcg > best[2]:
            best = (scorer, config, ndcg)
            log(f"  {name} valid ndcg@10 {ndcg:.4f} {config}")
    if best is None:
        raise ValueError(f"{name}: no configuration to tune")
    return best


def tune_itemknn(dataset: RecDataset, log: Log = print) -> tuple[ItemKnnScorer, ItemKnnConfig, float]:
    sequences = dataset.train_sequences()
    popularity = occurrence_counts(sequences, dataset.n_items)

    def candidates() -> Iterator[tuple[ItemKnnScorer, ItemKnnConfig]]:
        for window, backward, alpha in itertools.product((1, 2, 3, 5), (0.0, 0.5, 1.0), (0.5, 0.75)):
            co = CooccurrenceConfig(window=window, backward=backward, alpha=alpha, top_k=100)
            neighbours = neighbour_matrix(sequences, dataset.n_items, co)  # shared by the decays below
            for decay in (1.0, 0.7, 0.4, 0.1):
                config = ItemKnnConfig(co, decay)
                yield ItemKnnScorer(neighbours, config, popularity), config

    return best_on_valid(dataset, candidates(), "itemknn", log)


@dataclass(frozen=True)
class TextConfig:
    decay: float
    max_history: int


class TextScorer:
    """Cosine between the recency-weighted mean of the history's text embeddings and each item."""

    def __init__(self, embeddings: npt.NDArray[np.float32], config: TextConfig) -> None:
        self.embeddings = embeddings
        self.config = config

    def score(self, histories: Sequence[History]) -> npt.NDArray[np.float32]:
        profiles = np.zeros((len(histories), self.embeddings.shape[1]), dtype=np.float32)
        for row, history in enumerate(histories):
            recent = most_recent(history, self.config.max_history)
            if len(recent):
                weights = recency_weights(len(recent), self.config.decay).astype(np.float32)
                profiles[row] = weights @ self.embeddings[recent]
        result: npt.NDArray[np.float32] = profiles @ self.embeddings.T
        return result


def tune_text(dataset: RecDataset, embeddings: npt.NDArray[np.float32],
              log: Log = print) -> tuple[TextScorer, TextConfig, float]:
    configs = [TextConfig(decay, max_history)
               for decay, max_history in itertools.product((1.0, 0.7, 0.5, 0.3, 0.1), (1, 3, 5, 10, 50))
               if max_history > 1 or decay == 1.0]  # one item: the decay changes nothing
    return best_on_valid(dataset, ((TextScorer(embeddings, c), c) for c in configs), "text", log)
