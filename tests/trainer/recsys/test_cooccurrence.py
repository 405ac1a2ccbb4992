from __future__ import annotations

import numpy as np

from trainer.recsys.cooccurrence import (
    CooccurrenceConfig,
    cooccurrence_counts,
    history_weight_matrix,
    neighbour_matrix,
    recency_weights,
)


def seqs(*rows: list[int]) -> list[np.ndarray]:
    return [np.array(r, dtype=np.int64) for r in rows]


def test_counts_weight_pairs_by_distance_and_direction() -> None:
    counts = cooccurrence_counts(seqs([0, 1, 2]), 3, window=2, backward=0.5).toarray()
    assert counts[0, 1] == 1.0 and counts[1, 2] == 1.0 and counts[0, 2] == 0.5  # forward, 1/distance
    assert counts[1, 0] == 0.5 and counts[2, 0] == 0.25  # backward pairs at half weight
    assert counts[0, 0] == 0.0


def test_neighbours_keep_the_strongest_k_per_item() -> None:
    sequences = seqs([0, 1], [0, 1], [0, 2], [0, 3], [0, 3], [0, 3])
    config = CooccurrenceConfig(window=1, backward=0.0, alpha=0.5, top_k=2)
    neighbours = neighbour_matrix(sequences, 4, config).toarray()
    assert np.count_nonzero(neighbours[0]) == 2
    assert neighbours[0, 3] > neighbours[0, 1] > 0 and neighbours[0, 2] == 0


def test_recency_weights_newest_last() -> None:
    assert recency_weights(3, 0.5).tolist() == [0.25, 0.5, 1.0]
    weights = history_weight_matrix(seqs([2, 1, 2]), 3, decay=0.5, max_history=50).toarray()
    assert weights[0].tolist() == [0.0, 0.5, 1.25]  # a repeated item adds up
