// Rényi-DP accounting for federated rounds (Poisson-subsampled Gaussian sums): the mirror of
// trainer/federated/accountant.py, which documents the maths and its sources (Mironov, Talwar &
// Zhang 2019 for one round; Canonne, Kamath & Steinke 2020, Prop. 12 for RDP → (ε, δ)). The
// server tracks ε per round with it; tests/golden/dp-accountant.json (written by
// `python -m trainer.federated.golden_accountant`) pins it to the trainer.

/** dp_accounting's RdpAccountant default orders (as DEFAULT_ORDERS in the trainer). */
export const DEFAULT_ORDERS: readonly number[] = [
  1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5,
  ...Array.from({ length: 59 }, (_, a) => a + 5),
  128,
  256,
  512,
];

const SERIES_CUTOFF = -30;
const LOG_HALF = Math.log(0.5);

function logAdd(a: number, b: number): number {
  const low = Math.min(a, b);
  const high = Math.max(a, b);
  return low === -Infinity ? high : high + Math.log1p(Math.exp(low - high));
}

/** log(e^a − e^b) for a ≥ b. */
function logSub(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (a <= b) return -Infinity;
  return b + Math.log(Math.expm1(a - b));
}

/** erfc(x) for x > 2 as e^{-x²}/√π over Laplace's continued fraction x + (1/2)/(x + 1/(x + (3/2)/…)),
 * returned as its log so the far tail never underflows (modified Lentz). */
function logErfcTail(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = f;
  let d = 0;
  for (let n = 1; n < 10_000; n++) {
    const a = n / 2;
    d = x + a * d;
    if (d === 0) d = tiny;
    c = x + a / c;
    if (c === 0) c = tiny;
    d = 1 / d;
    const step = c * d;
    f *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return -x * x - 0.5 * Math.log(Math.PI) - Math.log(f);
}

/** erf(x) by its Taylor series, for |x| ≤ 2 (terms stay below 4, so little cancellation). */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const next = term / (2 * n + 1);
    sum += next;
    if (Math.abs(next) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** log(erfc(x)) for every real x (the trainer uses scipy's log_ndtr). */
export function logErfc(x: number): number {
  if (x > 2) return logErfcTail(x);
  if (x >= -2) return Math.log1p(-erfSeries(x));
  return Math.log(2 - Math.exp(logErfcTail(-x)));
}

function logAInteger(q: number, z: number, alpha: number): number {
  let logA = -Infinity;
  let logBinomial = 0;
  for (let i = 0; i <= alpha; i++) {
    const term = logBinomial + i * Math.log(q) + (alpha - i) * Math.log1p(-q) + (i * i - i) / (2 * z * z);
    logA = logAdd(logA, term);
    logBinomial += Math.log(alpha - i) - Math.log(i + 1);
  }
  return logA;
}

function logAFractional(q: number, z: number, alpha: number): number {
  let logA0 = -Infinity;
  let logA1 = -Infinity;
  const z0 = z * z * Math.log(1 / q - 1) + 0.5;
  let coefficient = 1; // the generalised binomial C(alpha, i), built up term by term
  for (let i = 0; ; i++) {
    const logCoefficient = Math.log(Math.abs(coefficient));
    const j = alpha - i;
    const logT0 = logCoefficient + i * Math.log(q) + j * Math.log1p(-q);
    const logT1 = logCoefficient + j * Math.log(q) + i * Math.log1p(-q);
    const logE0 = LOG_HALF + logErfc((i - z0) / (Math.SQRT2 * z));
    const logE1 = LOG_HALF + logErfc((z0 - j) / (Math.SQRT2 * z));
    const logS0 = logT0 + (i * i - i) / (2 * z * z) + logE0;
    const logS1 = logT1 + (j * j - j) / (2 * z * z) + logE1;
    if (coefficient > 0) {
      logA0 = logAdd(logA0, logS0);
      logA1 = logAdd(logA1, logS1);
    } else {
      logA0 = logSub(logA0, logS0);
      logA1 = logSub(logA1, logS1);
    }
    if (Math.max(logS0, logS1) < SERIES_CUTOFF) return logAdd(logA0, logA1);
    coefficient *= (alpha - i) / (i + 1);
  }
}

function checkOrders(orders: readonly number[]): void {
  if (orders.length === 0 || orders.some((a) => !(Number.isFinite(a) && a > 1))) {
    throw new RangeError(`RDP orders must be finite and > 1, got [${orders.join(', ')}]`);
  }
}

/** RDP at `order` of one round with sampling rate q and noise multiplier z. */
export function rdpOfRound(q: number, z: number, order: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`sampling rate q must be in [0, 1], got ${q}`);
  if (!(z >= 0 && Number.isFinite(z))) throw new RangeError(`noise multiplier z must be finite and ≥ 0, got ${z}`);
  checkOrders([order]);
  if (q === 0) return 0;
  if (z === 0) return Infinity;
  if (q === 1) return order / (2 * z * z);
  const logA = Number.isInteger(order) ? logAInteger(q, z, order) : logAFractional(q, z, order);
  return logA / (order - 1);
}

/** RDP of `rounds` rounds at each order (composition adds). */
export function computeRdp(q: number, z: number, rounds: number, orders: readonly number[] = DEFAULT_ORDERS): number[] {
  if (!(Number.isInteger(rounds) && rounds >= 0)) throw new RangeError(`rounds must be a non-negative integer, got ${rounds}`);
  return orders.map((a) => rounds * rdpOfRound(q, z, a));
}

export interface EpsilonAtOrder {
  epsilon: number;
  order: number;
}

/** The smallest ε over the orders (Canonne et al. 2020, Prop. 12) and the order that gives it. */
export function epsilonFromRdp(orders: readonly number[], rdp: readonly number[], delta: number): EpsilonAtOrder {
  checkOrders(orders);
  if (orders.length !== rdp.length) throw new RangeError(`${orders.length} orders but ${rdp.length} RDP values`);
  if (!(delta > 0 && delta < 1)) throw new RangeError(`delta must be in (0, 1), got ${delta}`);
  if (rdp.some((r) => !(r >= 0))) throw new RangeError('RDP values must be ≥ 0');
  let best = Infinity;
  let bestOrder = orders[0]!;
  orders.forEach((alpha, k) => {
    const r = rdp[k]!;
    // KL ≤ RDP at any order, and δ ≤ √(1 − e^(−KL)) already holds at ε = 0 (as dp_accounting).
    const epsilon = delta * delta + Math.expm1(-r) > 0 ? 0 : r + Math.log1p(-1 / alpha) - (Math.log(delta) + Math.log(alpha)) / (alpha - 1);
    if (epsilon < best) {
      best = epsilon;
      bestOrder = alpha;
    }
  });
  return { epsilon: Math.max(0, best), order: bestOrder };
}

export function epsilonAfter(q: number, z: number, rounds: number, delta: number, orders: readonly number[] = DEFAULT_ORDERS): number {
  return epsilonFromRdp(orders, computeRdp(q, z, rounds, orders), delta).epsilon;
}

/** The smallest noise multiplier (to relative 1e-10) whose `rounds` rounds at rate q stay within
 * (epsilon, delta); the value returned always meets the budget (bisection keeps the upper end). */
export function noiseForBudget(q: number, rounds: number, epsilon: number, delta: number, orders: readonly number[] = DEFAULT_ORDERS): number {
  if (!(epsilon > 0 && Number.isFinite(epsilon))) throw new RangeError(`epsilon must be finite and > 0, got ${epsilon}`);
  if (!(q > 0 && q <= 1)) throw new RangeError(`sampling rate q must be in (0, 1], got ${q}`);
  if (!(Number.isInteger(rounds) && rounds >= 1)) throw new RangeError(`rounds must be an integer ≥ 1, got ${rounds}`);
  let low = 0;
  let high = 1;
  while (epsilonAfter(q, high, rounds, delta, orders) > epsilon) {
    low = high;
    high *= 2;
    if (high > 1e6) throw new RangeError(`no noise multiplier up to 1e6 meets ε = ${epsilon}, δ = ${delta}`);
  }
  while (high - low > 1e-10 * high) {
    const middle = (low + high) / 2;
    if (epsilonAfter(q, middle, rounds, delta, orders) > epsilon) low = middle;
    else high = middle;
  }
  return high;
}

/** Cumulative RDP of the rounds a model has been through; a round opens only if the ledger after
 * it still meets the merchant's ε budget. Immutable: afterRound returns a new ledger. */
export interface PrivacyLedger {
  readonly delta: number;
  readonly orders: readonly number[];
  readonly rdp: readonly number[];
  readonly rounds: number;
}

export function emptyLedger(delta: number, orders: readonly number[] = DEFAULT_ORDERS): PrivacyLedger {
  const rdp = orders.map(() => 0);
  epsilonFromRdp(orders, rdp, delta); // validates
  return { delta, orders, rdp, rounds: 0 };
}

export function afterRound(ledger: PrivacyLedger, q: number, z: number): PrivacyLedger {
  const rdp = ledger.orders.map((a, k) => ledger.rdp[k]! + rdpOfRound(q, z, a));
  return { ...ledger, rdp, rounds: ledger.rounds + 1 };
}

export function ledgerEpsilon(ledger: PrivacyLedger): number {
  return epsilonFromRdp(ledger.orders, ledger.rdp, ledger.delta).epsilon;
}

export function canOpenRound(ledger: PrivacyLedger, q: number, z: number, budget: number): boolean {
  return ledgerEpsilon(afterRound(ledger, q, z)) <= budget;
}
