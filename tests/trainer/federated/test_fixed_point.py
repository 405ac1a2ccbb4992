from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from trainer.federated.fixed_point import (
    RING,
    FixedPointConfig,
    check_cohort,
    clip_l2,
    decode_sum,
    encode,
    l2_norm,
    ring_sum,
)
from trainer.federated.golden import golden_fixed_point

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "fixed-point.json"


def test_clipping_scales_long_updates_to_the_clip_norm_and_leaves_short_ones_alone() -> None:
    long = clip_l2([3.0, 4.0], 1.0)
    assert l2_norm(long) == pytest.approx(1.0, abs=1e-15)
    np.testing.assert_allclose(long, [0.6, 0.8], rtol=1e-15)
    short = np.array([0.3, -0.4])
    assert np.array_equal(clip_l2(short, 1.0), short)


def test_codes_are_twos_complement_and_halves_round_away_from_zero() -> None:
    config = FixedPointConfig(length=5, clip=10.0, scale=2.0)
    codes = encode([1.25, -1.25, 0.25, -0.25, -3.0], config)
    assert codes.dtype == np.uint32
    assert codes.tolist() == [3, RING - 3, 1, RING - 1, RING - 6]


def test_a_cohort_sum_decodes_to_the_sum_of_the_clipped_updates_within_rounding() -> None:
    config = FixedPointConfig(length=64, clip=1.0, scale=2.0**20)
    rng = np.random.default_rng(3)
    updates = [rng.normal(0, 0.5, 64) for _ in range(50)]
    decoded = decode_sum(ring_sum([encode(u, config) for u in updates]), 50, config)
    exact = np.sum([clip_l2(u, config.clip) for u in updates], axis=0)
    # Each code is off by at most half a step, so the sum by at most 50 half-steps.
    assert np.max(np.abs(decoded - exact)) <= 50 * 0.5 / config.scale
    assert np.max(np.abs(decoded - exact)) > 0  # the rounding is real, the bound is not vacuous


def test_the_largest_cohort_that_cannot_wrap_decodes_its_extreme_sum() -> None:
    config = FixedPointConfig(length=1, clip=1.0, scale=2.0**20)
    limit = (2**31 - 1) // config.max_code
    one = encode([-1.0], config)
    total = (int(one[0]) * limit) % RING
    assert decode_sum(np.array([total], dtype=np.uint32), limit, config).tolist() == [-float(limit)]
    with pytest.raises(ValueError, match="the sum could wrap"):
        decode_sum(np.array([total], dtype=np.uint32), limit + 1, config)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_updates_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match=r"value 1 is .* \(not finite\)"):
        encode([0.0, bad, 0.0], FixedPointConfig(length=3, clip=1.0, scale=10.0))


def test_wrong_lengths_and_bad_configs_are_refused() -> None:
    config = FixedPointConfig(length=3, clip=1.0, scale=10.0)
    with pytest.raises(ValueError, match="the update has 2 values, expected 3"):
        encode([0.0, 1.0], config)
    with pytest.raises(ValueError, match="expected \\(3,\\)"):
        decode_sum(np.zeros(4, dtype=np.uint32), 1, config)
    with pytest.raises(ValueError, match=r"\[0, 2\^32\)"):
        decode_sum(np.array([0, -1, 0]), 1, config)
    with pytest.raises(ValueError, match="clip must be a positive finite number"):
        FixedPointConfig(length=3, clip=float("nan"), scale=10.0)
    with pytest.raises(ValueError, match="the sum could wrap"):
        FixedPointConfig(length=3, clip=1.0, scale=2.0**31)
    with pytest.raises(ValueError, match="cohort size must be a positive integer"):
        check_cohort(0, config)


def test_the_committed_golden_file_is_what_the_trainer_writes() -> None:
    committed = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(golden_fixed_point()))
