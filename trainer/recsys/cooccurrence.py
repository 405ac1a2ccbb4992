"""Item-to-item co-occurrence from purchase sequences: the cross-shopper signal a store
already owns (its own order history), shipped to browsers as per-item neighbour lists.

C[a, b] sums 1/distance over pairs where b follows a within `window` positions in one
sequence (and `backward` times that where b precedes a). It is normalised like a cosine,
S[a, b] = C[a, b] / (n_a^alpha · n_b^(1 - alpha)), and cut to each item's `top_k` strongest
neighbours, which is exactly what the browser receives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from trainer.recsys.data import most_recent


@dataclass(frozen=True)
class CooccurrenceConfig:
    window: int = 3
    backward: float = 0.5
    alpha: float = 0.5
    top_k: int = 100


def occurrence_counts(sequences: Sequence[npt.NDArray[np.int64]], n_items: int) -> npt.NDArray[np.float64]:
    counts = np.zeros(n_items, dtype=np.float64)
    for sequence in sequences:
        np.add.at(counts, sequence, 1.0)
    return counts


def cooccurrence_counts(sequences: Sequence[npt.NDArray[np.int64]], n_items: int, window: int,
                        backward: float) -> sp.csr_matrix:
    rows: list[npt.NDArray[np.int64]] = []
    cols: list[npt.NDArray[np.int64]] = []
    weights: list[npt.NDArray[np.float64]] = []
    for distance in range(1, window + 1):
        for sequence in sequences:
            if len(sequence) <= distance:
                continue
            before, after = sequence[:-distance], sequence[distance:]
            keep = before != after
            rows.append(before[keep])
            cols.append(after[keep])
            weights.append(np.full(int(keep.sum()), 1.0 / distance))
    if not rows:
        return sp.csr_matrix((n_items, n_items), dtype=np.float64)
    r, c, w = np.concatenate(rows), np.concatenate(cols), np.concatenate(weights)
    forward = sp.csr_matrix((w, (r, c)), shape=(n_items, n_items))
    matrix: sp.csr_matrix = (forward + backward * forward.T).tocsr() if backward else forward
    return matrix


def neighbour_matrix(sequences: Sequence[npt.NDArray[np.int64]], n_items: int,
                     config: CooccurrenceConfig) -> sp.csr_matrix:
    """Row a holds a's top_k neighbours b with weight S[a, b]."""
    counts = cooccurrence_counts(sequences, n_items, config.window, config.backward).tocoo()
    occurrences = np.maximum(occurrence_counts(sequences, n_items), 1.0)
    data = counts.data / (occurrences[counts.row] ** config.alpha * occurrences[counts.col] ** (1 - config.alpha))
    normalised = sp.csr_matrix((data, (counts.row, counts.col)), shape=(n_items, n_items))
    return top_k_per_row(normalised, config.top_k)


def top_k_per_row(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    rows, cols, vals = [], [], []
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        data, index = matrix.data[start:end], matrix.indices[start:end]
        # Ties broken by item index so the cut, and the browser's copy of it, is deterministic.
        order = np.lexsort((index, -data))[:k]
        rows.append(np.full(len(order), row))
        cols.append(index[order])
        vals.append(data[order])
    result = sp.csr_matrix((np.concatenate(vals).astype(np.float32),
                            (np.concatenate(rows), np.concatenate(cols))), shape=matrix.shape)
    result.sort_indices()
    return result


def recency_weights(length: int, decay: float) -> npt.NDArray[np.float64]:
    """decay^(steps back from the most recent item): 1 for the last item."""
    return np.asarray(decay ** np.arange(length - 1, -1, -1, dtype=np.float64))


def history_weight_matrix(histories: Sequence[npt.NDArray[np.int64]], n_items: int, decay: float,
                          max_history: int) -> sp.csr_matrix:
    """Row u = recency weight of each of u's last max_history items (repeats add up)."""
    rows, cols, vals = [], [], []
    for row, history in enumerate(histories):
        recent = most_recent(history, max_history)
        rows.append(np.full(len(recent), row))
        cols.append(recent)
        vals.append(recency_weights(len(recent), decay))
    if not rows:
        return sp.csr_matrix((0, n_items))
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(len(histories), n_items))


def neighbour_lists(neighbours: sp.csr_matrix) -> list[list[tuple[int, float]]]:
    """Row by row [(neighbour row, weight), ...]: the JSON form the browser parses
    (src/core/neighbours.ts neighboursFromLists)."""
    csr = neighbours.tocsr()
    return [[(int(c), float(w)) for c, w in zip(csr.indices[csr.indptr[r]:csr.indptr[r + 1]],
                                                 csr.data[csr.indptr[r]:csr.indptr[r + 1]], strict=True)]
            for r in range(csr.shape[0])]
