"""One round's aggregation, as the server does it after secure aggregation: each client's
update is clipped to L2 ≤ C on the client, the server only sees their sum, adds Gaussian
noise of standard deviation σ = z·C per coordinate (central DP) and divides by the expected
cohort size q·N, not the realised one. Dividing by the realised count would make the
estimate depend on how many clients were sampled, which the Poisson-sampling analysis in
trainer.federated.accountant does not cover (McMahan et al. 2018, "Learning differentially
private recurrent language models", the fixed-denominator estimator).

Updates stay floating point here. The browser will send them fixed-point encoded for secure
aggregation (trainer/federated/fixed_point.py); the simulation skips the encoding, whose
rounding (1/scale = 2^-20 per value) is far below the DP noise.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float64]


def clip_rows(updates: npt.NDArray[np.float64], clip_norm: float) -> npt.NDArray[np.float64]:
    """Scale each row (one client's update) to L2 ≤ clip_norm; shorter rows stay as they are."""
    if not clip_norm > 0:
        raise ValueError(f"clip norm must be > 0, got {clip_norm}")
    if updates.ndim != 2 or not np.isfinite(updates).all():
        raise ValueError("updates must be a finite (clients, parameters) array")
    norms = np.linalg.norm(updates, axis=1, keepdims=True)
    clipped: npt.NDArray[np.float64] = updates * np.minimum(1.0, clip_norm / np.maximum(norms, 1e-300))
    return clipped


def noisy_mean(clipped_sum: Vector, clip_norm: float, noise_multiplier: float, expected_cohort: float,
               rng: np.random.Generator) -> Vector:
    """(Σ clipped updates + N(0, (z·C)² I)) / (q·N)."""
    if not expected_cohort > 0:
        raise ValueError(f"expected cohort size must be > 0, got {expected_cohort}")
    if noise_multiplier < 0:
        raise ValueError(f"noise multiplier must be ≥ 0, got {noise_multiplier}")
    noise = rng.normal(0.0, noise_multiplier * clip_norm, size=clipped_sum.shape) if noise_multiplier else 0.0
    mean: Vector = (clipped_sum + noise) / expected_cohort
    return mean
