"""Golden values for src/core/dp-accountant.ts: `python -m trainer.federated.golden_accountant`.

RDP per order (integer and fractional orders, q = 1 and subsampled), ε from RDP, and the
noise multiplier for a budget, all from trainer.federated.accountant, so that the Node
server tracks ε exactly as the simulation and the trainer do.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from trainer.federated.accountant import DEFAULT_ORDERS, compute_rdp, epsilon_from_rdp, noise_for_budget

DEFAULT_OUT = Path("tests/golden/dp-accountant.json")
# (q, z, rounds): plain Gaussian, TF-Privacy's MNIST example, the simulation's regime, tiny q.
RDP_CASES = [(1.0, 1.3, 3), (256 / 60000, 1.1, 14063), (0.05, 0.8, 60), (0.1, 2.0, 10), (1e-4, 0.6, 40000)]
# A short order list keeps the file readable and still covers both branches of A_α.
CASE_ORDERS = [1.1, 1.5, 1.75, 2.0, 2.5, 3.0, 4.5, 8.0, 10.9, 16.0, 32.0, 63.0, 128.0]
DELTAS = [1e-5, 1e-6]
BUDGET_CASES = [(0.05, 60, 1.0, 1e-6), (0.05, 60, 8.0, 1e-6), (0.02, 200, 4.0, 1e-6), (1.0, 5, 2.0, 1e-5)]


def golden() -> dict[str, Any]:
    rdp_cases = []
    for q, z, rounds in RDP_CASES:
        rdp = compute_rdp(q, z, rounds, CASE_ORDERS)
        full = compute_rdp(q, z, rounds, DEFAULT_ORDERS)
        rdp_cases.append({
            "q": q, "z": z, "rounds": rounds, "orders": CASE_ORDERS, "rdp": rdp,
            "epsilon": {str(delta): list(epsilon_from_rdp(DEFAULT_ORDERS, full, delta)) for delta in DELTAS},
        })
    budgets = [{"q": q, "rounds": rounds, "epsilon": epsilon, "delta": delta,
                "z": noise_for_budget(q, rounds, epsilon, delta)} for q, rounds, epsilon, delta in BUDGET_CASES]
    return {"default_orders": list(DEFAULT_ORDERS), "rdp_cases": rdp_cases, "budget_cases": budgets}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    args.out.write_text(json.dumps(golden(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
