"""Golden vectors for src/core/fixed-point.ts: `python -m trainer.federated.golden`.

Each case is a cohort of updates under one encoding: the clipped updates, their codes in
Z_{2^32}, the codes' sum mod 2^32 and that sum decoded. The TypeScript mirror must agree on
every bit. `cohorts` lists cohort sizes on either side of the no-wrap bound n·⌈C·scale⌉ < 2^31.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from trainer.federated.fixed_point import FixedPointConfig, check_cohort, clip_l2, decode_sum, encode, ring_sum

DEFAULT_OUT = Path("tests/golden/fixed-point.json")


def golden_case(name: str, config: FixedPointConfig, updates: list[list[float]]) -> dict[str, Any]:
    encoded = [encode(u, config) for u in updates]
    total = ring_sum(encoded)
    return {
        "name": name,
        "config": asdict(config),
        "updates": updates,
        "clipped": [clip_l2(u, config.clip).tolist() for u in updates],
        "encoded": [e.tolist() for e in encoded],
        "sum": total.tolist(),
        "decoded": decode_sum(total, len(updates), config).tolist(),
    }


def random_updates(rng: np.random.Generator, clients: int, length: int, spread: float) -> list[list[float]]:
    # float32 values, as the browser's gradients are: the mirror reads them into a Float32Array.
    return [[float(v) for v in rng.normal(0, spread, length).astype(np.float32)] for _ in range(clients)]


def golden_fixed_point() -> dict[str, Any]:
    rng = np.random.default_rng(7)
    cases = [
        golden_case("under the clip norm, mixed signs", FixedPointConfig(6, 1.0, 2.0**16),
                    [[0.1, -0.2, 0.3, -0.4, 0.05, -0.000001]]),
        golden_case("over the clip norm: scaled to C", FixedPointConfig(4, 0.5, 1000.0), [[3.0, -4.0, 12.0, 0.001]]),
        # Exact halves: 2.5 → 3, -2.5 → -3, 0.5 → 1 (np.round would give 2, -2, 0).
        golden_case("halves round away from zero", FixedPointConfig(6, 100.0, 2.0),
                    [[1.25, -1.25, 0.25, -0.25, 0.75, -0.75]]),
        golden_case("zero vector", FixedPointConfig(3, 1.0, 2.0**20), [[0.0, -0.0, 0.0]]),
        # Negative codes sit just under 2^32, so the running sum
        # wraps through 2^32 again and again; the total decodes to a negative sum.
        golden_case("negative codes: the sum wraps through 2^32", FixedPointConfig(2, 1.0, 2.0**24),
                    [[-0.6, -0.8], [-0.3, -0.1], [-0.9, -0.2], [0.05, -0.7]]),
        golden_case("float32 cohort, some clipped", FixedPointConfig(40, 1.0, 2.0**18),
                    random_updates(rng, 8, 40, 0.25)),
        golden_case("non-power-of-two scale", FixedPointConfig(20, 2.5, 12345.678), random_updates(rng, 5, 20, 0.8)),
    ]
    cohorts = []
    for config in (FixedPointConfig(1, 1.0, 2.0**20), FixedPointConfig(1, 0.3, 1000.5)):
        limit = (2**31 - 1) // config.max_code
        for count in (limit, limit + 1):
            try:
                check_cohort(count, config)
                fits = True
            except ValueError:
                fits = False
            cohorts.append({"config": asdict(config), "count": count, "fits": fits})
    return {"written_by": "python -m trainer.federated.golden", "cases": cases, "cohorts": cohorts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    golden = golden_fixed_point()
    args.out.write_text(json.dumps(golden) + "\n", encoding="utf-8")
    print(f"wrote {len(golden['cases'])} fixed-point cases: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
