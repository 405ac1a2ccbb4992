"""Fixed-point encoding of model updates for secure aggregation.

The definition src/core/fixed-point.ts mirrors bit for bit (tests/golden/fixed-point.json,
written by `python -m trainer.federated.golden`, holds both to it).

An update x ∈ R^d is clipped to L2 norm ≤ C, multiplied by `scale`, rounded to the nearest
integer (halves away from zero) and stored in Z_{2^32} as two's complement. Secure aggregation
adds its masks in the same ring, so the server only ever holds sums mod 2^32. A sum of n codes
decodes exactly as long as it cannot leave [-2^31, 2^31): every code is at most ⌈C·scale⌉ in
magnitude, so n·⌈C·scale⌉ < 2^31 is checked before a cohort's sum is decoded.

Every float operation is spelled out, in float64, in the order the browser performs it: a
sequential sum of squares (numpy's pairwise `sum` would change the norm's last bit), one division
for the clipping factor, one multiply per element each for clipping and scaling. A last-bit
difference in the norm could move a value across a half and change its code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

RING = 2**32
HALF_RING = 2**31

FloatArray = npt.NDArray[np.float64]
RingArray = npt.NDArray[np.uint32]


@dataclass(frozen=True)
class FixedPointConfig:
    """A round's encoding: vector length, L2 clip norm C and the scale (codes per unit)."""

    length: int
    clip: float
    scale: float

    def __post_init__(self) -> None:
        if not isinstance(self.length, int) or self.length <= 0:
            raise ValueError(f"fixed point: length must be a positive integer, got {self.length!r}")
        for name, value in (("clip", self.clip), ("scale", self.scale)):
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"fixed point: {name} must be a positive finite number, got {value!r}")
        check_cohort(1, self)

    @property
    def max_code(self) -> int:
        """The largest |code| an update clipped to C can produce."""
        return math.ceil(self.clip * self.scale)


def check_cohort(count: int, config: FixedPointConfig) -> None:
    """Refuse a cohort whose sum could wrap around the ring (and so decode to garbage)."""
    if not isinstance(count, int) or count <= 0:
        raise ValueError(f"fixed point: the cohort size must be a positive integer, got {count!r}")
    bound = count * config.max_code
    if bound >= HALF_RING:
        raise ValueError(
            f"fixed point: {count} clients of up to ⌈C·scale⌉ = {config.max_code} can reach {bound}, beyond 2^31 - 1: "
            "the sum could wrap; lower the scale or the clip norm, or aggregate fewer clients"
        )


def _finite_vector(x: npt.ArrayLike, length: int | None) -> FloatArray:
    values = np.asarray(x, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"fixed point: expected a vector, got shape {values.shape}")
    if length is not None and values.shape[0] != length:
        raise ValueError(f"fixed point: the update has {values.shape[0]} values, expected {length}")
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise ValueError(f"fixed point: value {bad[0]} is {values[bad[0]]} (not finite)")
    return values


def l2_norm(x: FloatArray) -> float:
    """sqrt of the left-to-right sum of squares (np.cumsum accumulates strictly in order)."""
    if x.size == 0:
        return 0.0
    return math.sqrt(float(np.cumsum(x * x)[-1]))


def clip_l2(x: npt.ArrayLike, clip: float) -> FloatArray:
    """x scaled by C/‖x‖ when ‖x‖ > C, else x unchanged (as float64)."""
    values = _finite_vector(x, None)
    norm = l2_norm(values)
    if norm <= clip:
        return values.copy()
    factor = clip / norm
    clipped: FloatArray = values * factor
    return clipped


def round_half_away(v: FloatArray) -> npt.NDArray[np.int64]:
    """Nearest integer, halves away from zero (np.round rounds halves to even).

    v - trunc(v) is exact in floating point, so the comparison with 0.5 is too.
    """
    whole = np.trunc(v)
    away = np.abs(v - whole) >= 0.5
    rounded: npt.NDArray[np.int64] = (whole + np.sign(v) * away).astype(np.int64)
    return rounded


def encode(x: npt.ArrayLike, config: FixedPointConfig) -> RingArray:
    """Clip, scale, round and wrap an update into Z_{2^32} (two's complement)."""
    values = _finite_vector(x, config.length)
    codes = round_half_away(clip_l2(values, config.clip) * config.scale)
    ring: RingArray = np.mod(codes, RING).astype(np.uint32)
    return ring


def ring_sum(encoded: list[RingArray]) -> RingArray:
    """The sum mod 2^32 that secure aggregation hands the server."""
    total = np.zeros_like(encoded[0], dtype=np.uint64)
    for vector in encoded:
        total = (total + vector) % RING
    out: RingArray = total.astype(np.uint32)
    return out


def decode_sum(ring_sum: npt.ArrayLike, count: int, config: FixedPointConfig) -> FloatArray:
    """The float sum of `count` clients' clipped updates from their sum mod 2^32.

    Returns the sum, not the mean: central DP noise is added to the sum before dividing.
    """
    check_cohort(count, config)
    values = np.asarray(ring_sum)
    if values.shape != (config.length,):
        raise ValueError(f"fixed point: the sum has shape {values.shape}, expected ({config.length},)")
    if values.dtype.kind not in "iu" or values.min() < 0 or values.max() >= RING:
        raise ValueError("fixed point: the sum must hold integers in [0, 2^32)")
    signed = values.astype(np.int64)
    signed = np.where(signed >= HALF_RING, signed - RING, signed)
    decoded: FloatArray = signed.astype(np.float64) / config.scale
    return decoded
