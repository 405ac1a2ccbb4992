"""Golden vectors for src/core/server-optimizer.ts: `python -m trainer.federated.golden_server`.

Each case runs a few server steps from fixed parameters with fixed mean updates: the noisy mean
(trainer.federated.aggregation.noisy_mean with its noise given, so the case is deterministic),
then FedAvg or FedAdam with a learning rate per coordinate as the simulation uses them. The
TypeScript mirror, which the Node server runs on every completed round, must agree to float64
rounding.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

from trainer.federated.server_optimizer import FedAdamConfig, FedAdamState, fedadam, fedavg

DEFAULT_OUT = Path("tests/golden/server-optimizer.json")


def _mean(total: np.ndarray, noise: np.ndarray, expected_cohort: float) -> np.ndarray:
    # aggregation.noisy_mean draws its own noise; the server draws it from node:crypto, so the
    # golden fixes the noise and pins the arithmetic around it: (Σ + noise) / (q·N).
    out: np.ndarray = (total + noise) / expected_cohort
    return out


def golden_server_optimizer() -> dict[str, Any]:
    rng = np.random.default_rng(11)
    size = 12
    params = rng.normal(0, 0.3, size)
    rates = np.full(size, 0.01)
    rates[:8] = 0.001  # the projection's coordinates, as trainer.federated.simulate splits them
    steps = []
    for _ in range(3):
        total = rng.normal(0, 0.5, size)
        noise = rng.normal(0, 0.2, size)
        steps.append({"sum": total.tolist(), "noise": noise.tolist(), "expected_cohort": 7.5,
                      "mean": _mean(total, noise, 7.5).tolist()})
    adam = FedAdamConfig(rates, beta1=0.9, beta2=0.99, tau=1e-3)
    x, state = params.copy(), FedAdamState.zeros(size)
    adam_trace = []
    for step in steps:
        x, state = fedadam(x, np.array(step["mean"]), state, adam)
        adam_trace.append({"params": x.tolist(), "m": state.m.tolist(), "v": state.v.tolist()})
    y = params.copy()
    avg_trace = []
    for step in steps:
        y = fedavg(y, np.array(step["mean"]), rates)
        avg_trace.append({"params": y.tolist()})
    return {
        "written_by": "python -m trainer.federated.golden_server",
        "params": params.tolist(),
        "rates": rates.tolist(),
        "fedadam": {"beta1": adam.beta1, "beta2": adam.beta2, "tau": adam.tau},
        "steps": steps,
        "fedadam_trace": adam_trace,
        "fedavg_trace": avg_trace,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    args.out.write_text(json.dumps(golden_server_optimizer()) + "\n", encoding="utf-8")
    print(f"wrote server-optimizer golden: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
