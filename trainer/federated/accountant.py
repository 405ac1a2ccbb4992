"""Rényi-DP accounting for the federated rounds: Poisson-subsampled Gaussian sums.

Each round samples every client independently with probability q, sums their updates clipped
to L2 ≤ C and adds N(0, (z·C)²) per coordinate. One round is the sampled Gaussian mechanism
of Mironov, Talwar & Zhang 2019 ("Rényi Differential Privacy of the Sampled Gaussian
Mechanism", arXiv:1908.10530): its RDP at order α is log(A_α)/(α − 1), A_α computed exactly
for integer α (their Eq. 3.3) and by their two-sided series for fractional α (Section 3.3),
as TF-Privacy's and Opacus's `compute_rdp` do. q = 1 is the plain Gaussian, α/(2z²). RDP
composes by addition over rounds. Neighbouring datasets differ by one client's whole
contribution (add/remove one shopper): this is user-level privacy.

RDP → (ε, δ): Canonne, Kamath & Steinke 2020 (arXiv:2004.00010, Proposition 12; the same
bound is Balle et al. 2020, arXiv:1905.09982, Theorem 21):
    ε = rdp + log(1 − 1/α) − (log δ + log α)/(α − 1),
never larger than the classic rdp + log(1/δ)/(α − 1) (Mironov 2017, Proposition 3), because
log(1 − 1/α) ≤ 0 ≤ log(α)/(α − 1) for α > 1; TF-Privacy's dp_accounting and Opacus use it.
src/core/dp-accountant.ts mirrors this module (tests/golden/dp-accountant.json).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from scipy import special

# dp_accounting's RdpAccountant default orders (TF-Privacy): few fractional orders, because
# each costs a long series; integers up to 512 serve small ε with tiny q.
DEFAULT_ORDERS: tuple[float, ...] = (
    1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 3.0, 3.5, 4.0, 4.5, *(float(a) for a in range(5, 64)), 128.0, 256.0, 512.0,
)
# Terms of the fractional-order series below e^-30 of the largest are dropped (as TF-Privacy).
_SERIES_CUTOFF = -30.0


def _log_add(a: float, b: float) -> float:
    low, high = min(a, b), max(a, b)
    return high if low == -math.inf else high + math.log1p(math.exp(low - high))


def _log_sub(a: float, b: float) -> float:
    """log(e^a − e^b) for a ≥ b."""
    if b == -math.inf:
        return a
    if a <= b:
        return -math.inf
    return b + math.log(math.expm1(a - b))


def _log_erfc(x: float) -> float:
    # log_ndtr stays accurate in the far tail where erfc underflows.
    return math.log(2.0) + float(special.log_ndtr(-x * math.sqrt(2.0)))


def _log_a_integer(q: float, z: float, alpha: int) -> float:
    """log A_α = log Σ_i C(α, i) q^i (1 − q)^(α−i) exp((i² − i)/(2z²))."""
    log_a = -math.inf
    for i in range(alpha + 1):
        log_binomial = math.lgamma(alpha + 1) - math.lgamma(i + 1) - math.lgamma(alpha - i + 1)
        term = log_binomial + i * math.log(q) + (alpha - i) * math.log1p(-q) + (i * i - i) / (2 * z * z)
        log_a = _log_add(log_a, term)
    return log_a


def _log_a_fractional(q: float, z: float, alpha: float) -> float:
    """A_α split at z0 where the two Gaussians' density ratio crosses 1/q − 1, each side a
    binomial series with signed generalised coefficients C(α, i)."""
    log_a0, log_a1 = -math.inf, -math.inf
    z0 = z * z * math.log(1 / q - 1) + 0.5
    i = 0
    while True:
        coefficient = float(special.binom(alpha, i))
        log_coefficient = math.log(abs(coefficient))
        j = alpha - i
        log_t0 = log_coefficient + i * math.log(q) + j * math.log1p(-q)
        log_t1 = log_coefficient + j * math.log(q) + i * math.log1p(-q)
        log_e0 = math.log(0.5) + _log_erfc((i - z0) / (math.sqrt(2) * z))
        log_e1 = math.log(0.5) + _log_erfc((z0 - j) / (math.sqrt(2) * z))
        log_s0 = log_t0 + (i * i - i) / (2 * z * z) + log_e0
        log_s1 = log_t1 + (j * j - j) / (2 * z * z) + log_e1
        if coefficient > 0:
            log_a0, log_a1 = _log_add(log_a0, log_s0), _log_add(log_a1, log_s1)
        else:
            log_a0, log_a1 = _log_sub(log_a0, log_s0), _log_sub(log_a1, log_s1)
        i += 1
        if max(log_s0, log_s1) < _SERIES_CUTOFF:
            return _log_add(log_a0, log_a1)


def _check_orders(orders: Sequence[float]) -> None:
    if not orders or any(not (math.isfinite(a) and a > 1) for a in orders):
        raise ValueError(f"RDP orders must be finite and > 1, got {list(orders)}")


@lru_cache(maxsize=4096)  # a ledger re-adds the same (q, z) every round
def rdp_of_round(q: float, z: float, order: float) -> float:
    """RDP at `order` of one round with sampling rate q and noise multiplier z."""
    if not 0 <= q <= 1:
        raise ValueError(f"sampling rate q must be in [0, 1], got {q}")
    if not (z >= 0 and math.isfinite(z)):
        raise ValueError(f"noise multiplier z must be finite and ≥ 0, got {z}")
    _check_orders([order])
    if q == 0:
        return 0.0
    if z == 0:
        return math.inf
    if q == 1:
        return order / (2 * z * z)
    log_a = _log_a_integer(q, z, int(order)) if float(order).is_integer() else _log_a_fractional(q, z, order)
    return log_a / (order - 1)


def compute_rdp(q: float, z: float, rounds: int, orders: Sequence[float] = DEFAULT_ORDERS) -> list[float]:
    """RDP of `rounds` rounds at each order (composition adds)."""
    if rounds < 0 or int(rounds) != rounds:
        raise ValueError(f"rounds must be a non-negative integer, got {rounds}")
    return [rounds * rdp_of_round(q, z, a) for a in orders]


def epsilon_from_rdp(orders: Sequence[float], rdp: Sequence[float], delta: float) -> tuple[float, float]:
    """The smallest ε over the orders (Canonne et al. 2020, Prop. 12) and the order giving it."""
    _check_orders(orders)
    if len(orders) != len(rdp):
        raise ValueError(f"{len(orders)} orders but {len(rdp)} RDP values")
    if not 0 < delta < 1:
        raise ValueError(f"delta must be in (0, 1), got {delta}")
    if any(math.isnan(r) or r < 0 for r in rdp):
        raise ValueError("RDP values must be ≥ 0")
    best, best_order = math.inf, orders[0]
    for alpha, r in zip(orders, rdp, strict=True):
        # KL ≤ RDP at any order, and δ ≤ √(1 − e^(−KL)) already holds at ε = 0 (as dp_accounting).
        if delta * delta + math.expm1(-r) > 0:
            epsilon = 0.0
        else:
            epsilon = r + math.log1p(-1 / alpha) - (math.log(delta) + math.log(alpha)) / (alpha - 1)
        if epsilon < best:
            best, best_order = epsilon, alpha
    return max(0.0, best), best_order


def epsilon_after(q: float, z: float, rounds: int, delta: float,
                  orders: Sequence[float] = DEFAULT_ORDERS) -> float:
    return epsilon_from_rdp(orders, compute_rdp(q, z, rounds, orders), delta)[0]


def noise_for_budget(q: float, rounds: int, epsilon: float, delta: float,
                     orders: Sequence[float] = DEFAULT_ORDERS) -> float:
    """The smallest noise multiplier z (to relative 1e-10) whose `rounds` rounds at rate q stay
    within (epsilon, delta); the returned z always satisfies the budget (bisection keeps the
    upper end)."""
    if not (epsilon > 0 and math.isfinite(epsilon)):
        raise ValueError(f"epsilon must be finite and > 0, got {epsilon}")
    if not 0 < q <= 1:
        raise ValueError(f"sampling rate q must be in (0, 1], got {q}")
    if rounds < 1:
        raise ValueError(f"rounds must be ≥ 1, got {rounds}")
    low, high = 0.0, 1.0
    while epsilon_after(q, high, rounds, delta, orders) > epsilon:
        low, high = high, high * 2
        if high > 1e6:
            raise ValueError(f"no noise multiplier up to 1e6 meets ε = {epsilon}, δ = {delta}")
    while high - low > 1e-10 * high:
        middle = (low + high) / 2
        if epsilon_after(q, middle, rounds, delta, orders) > epsilon:
            low = middle
        else:
            high = middle
    return high


@dataclass(frozen=True)
class PrivacyLedger:
    """The rounds a model has been through so far, as cumulative RDP per order. A round opens
    only if the ledger after it still meets the merchant's budget (`can_open`)."""

    delta: float
    orders: tuple[float, ...] = DEFAULT_ORDERS
    rdp: tuple[float, ...] = ()
    rounds: int = 0

    def __post_init__(self) -> None:
        if not self.rdp:
            object.__setattr__(self, "rdp", (0.0,) * len(self.orders))
        epsilon_from_rdp(self.orders, self.rdp, self.delta)  # validates

    def after_round(self, q: float, z: float) -> PrivacyLedger:
        added = [rdp_of_round(q, z, a) for a in self.orders]
        return PrivacyLedger(self.delta, self.orders, tuple(r + x for r, x in zip(self.rdp, added, strict=True)),
                             self.rounds + 1)

    @property
    def epsilon(self) -> float:
        return epsilon_from_rdp(self.orders, self.rdp, self.delta)[0]

    def can_open(self, q: float, z: float, budget: float) -> bool:
        return self.after_round(q, z).epsilon <= budget
