from __future__ import annotations

import numpy as np
import pytest

from trainer.federated.aggregation import clip_rows, noisy_mean


def test_clipping_bounds_each_clients_contribution_and_keeps_short_rows() -> None:
    updates = np.array([[3.0, 4.0], [0.3, 0.4], [0.0, 0.0], [-30.0, 40.0]])
    clipped = clip_rows(updates, 1.0)
    assert np.linalg.norm(clipped, axis=1) == pytest.approx([1.0, 0.5, 0.0, 1.0])
    assert clipped[0] == pytest.approx([0.6, 0.8])       # direction kept
    assert clipped[1].tolist() == [0.3, 0.4]              # under the norm: unchanged
    # One client's influence on the sum is at most C however large its update is.
    others = clip_rows(updates[:3], 1.0).sum(axis=0)
    assert np.linalg.norm(clipped.sum(axis=0) - others) <= 1.0 + 1e-12


def test_noise_on_the_sum_has_standard_deviation_z_times_c() -> None:
    rng = np.random.default_rng(0)
    size, z, clip, cohort = 200_000, 1.5, 2.0, 10.0
    mean = noisy_mean(np.zeros(size), clip, z, cohort, rng)
    assert (mean * cohort).std() == pytest.approx(z * clip, rel=0.01)
    assert abs((mean * cohort).mean()) < 0.02
    assert noisy_mean(np.full(3, 5.0), clip, 0.0, cohort, rng).tolist() == [0.5, 0.5, 0.5]


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="clip norm must be > 0"):
        clip_rows(np.zeros((1, 2)), 0.0)
    with pytest.raises(ValueError, match="finite"):
        clip_rows(np.array([[np.inf, 0.0]]), 1.0)
    with pytest.raises(ValueError, match="expected cohort size"):
        noisy_mean(np.zeros(2), 1.0, 1.0, 0.0, np.random.default_rng(0))
