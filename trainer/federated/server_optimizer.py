"""Server optimizers for federated rounds, as pure functions: (params, mean update, state) →
(new params, new state). Nothing here knows about clients, noise or the model; the round loop
(trainer.federated.simulate) calls one of them with the noisy mean of the clipped updates.

Updates are model deltas (a client's locally trained weights minus the round's weights), so
they already point downhill and are added, never subtracted. Learning rates are a scalar or one
per coordinate (the ranker's projection and its handful of small weights want different steps,
as in trainer.recsys.ranker.fit_ranker).

FedAvg (McMahan et al. 2017, with a server learning rate): x ← x + η Δ.
FedAdam (Reddi et al. 2021, "Adaptive Federated Optimization", Algorithm 2):
    m ← β1 m + (1 − β1) Δ,   v ← β2 v + (1 − β2) Δ²,   x ← x + η m / (√v + τ)
with no bias correction, as written there; τ bounds the adaptivity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float64]
Rate = float | Vector


def _check(params: Vector, update: Vector) -> None:
    if params.shape != update.shape or params.ndim != 1:
        raise ValueError(f"params {params.shape} and update {update.shape} must be vectors of one length")
    if not np.isfinite(update).all():
        raise ValueError("the mean update has a NaN or infinite coordinate")


def fedavg(params: Vector, update: Vector, lr: Rate = 1.0) -> Vector:
    _check(params, update)
    return params + lr * update


@dataclass(frozen=True)
class FedAdamConfig:
    lr: Rate
    beta1: float = 0.9
    beta2: float = 0.99
    tau: float = 1e-3

    def __post_init__(self) -> None:
        if not (0 <= self.beta1 < 1 and 0 <= self.beta2 < 1 and self.tau > 0):
            raise ValueError(f"FedAdam needs 0 ≤ β1, β2 < 1 and τ > 0, got {self}")


@dataclass(frozen=True)
class FedAdamState:
    m: Vector
    v: Vector

    @staticmethod
    def zeros(size: int) -> FedAdamState:
        return FedAdamState(np.zeros(size), np.zeros(size))


def fedadam(params: Vector, update: Vector, state: FedAdamState, config: FedAdamConfig) -> tuple[Vector, FedAdamState]:
    _check(params, update)
    if state.m.shape != params.shape or state.v.shape != params.shape:
        raise ValueError("FedAdam state does not match the parameters")
    m = config.beta1 * state.m + (1 - config.beta1) * update
    v = config.beta2 * state.v + (1 - config.beta2) * update * update
    return params + config.lr * m / (np.sqrt(v) + config.tau), FedAdamState(m, v)
