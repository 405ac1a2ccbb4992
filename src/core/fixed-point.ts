/**
 * Fixed-point encoding of model updates for secure aggregation, defined by
 * trainer/federated/fixed_point.py and checked bit for bit against tests/golden/fixed-point.json.
 *
 * An update is clipped to L2 norm ≤ C, multiplied by `scale`, rounded to the nearest integer
 * (halves away from zero) and stored in Z_{2^32} as two's complement: the ring the masks of
 * secure aggregation live in. A sum of n codes decodes exactly while n·⌈C·scale⌉ < 2^31.
 *
 * The float operations are the trainer's, in its order and in float64: a left-to-right sum of
 * squares, one division for the clipping factor, one multiply per element each for clipping and
 * scaling. Reordering any of them can change the last bit of a value and, near a half, its code.
 */

export const RING = 2 ** 32;
const HALF_RING = 2 ** 31;

export interface FixedPointConfig {
  /** Values per update (the shared parameters' count). */
  length: number;
  /** L2 clip norm C. */
  clip: number;
  /** Codes per unit. */
  scale: number;
}

function checkConfig(config: FixedPointConfig): void {
  if (!Number.isInteger(config.length) || config.length <= 0) throw new Error(`fixed point: length must be a positive integer, got ${config.length}`);
  for (const key of ['clip', 'scale'] as const) {
    const value = config[key];
    if (!Number.isFinite(value) || value <= 0) throw new Error(`fixed point: ${key} must be a positive finite number, got ${value}`);
  }
}

/** The largest |code| an update clipped to C can produce. */
export function maxCode(config: FixedPointConfig): number {
  return Math.ceil(config.clip * config.scale);
}

/** Refuses a cohort whose sum could wrap around the ring (and so decode to garbage). */
export function checkCohort(count: number, config: FixedPointConfig): void {
  checkConfig(config);
  if (!Number.isInteger(count) || count <= 0) throw new Error(`fixed point: the cohort size must be a positive integer, got ${count}`);
  const bound = count * maxCode(config);
  if (bound >= HALF_RING) {
    throw new Error(`fixed point: ${count} clients of up to ⌈C·scale⌉ = ${maxCode(config)} can reach ${bound}, beyond 2^31 - 1: the sum could wrap; lower the scale or the clip norm, or aggregate fewer clients`);
  }
}

function checkFinite(x: ArrayLike<number>): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new Error(`fixed point: value ${i} is ${x[i]} (not finite)`);
  }
}

/** sqrt of the left-to-right sum of squares. */
export function l2Norm(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum);
}

/** x scaled by C/‖x‖ when ‖x‖ > C, else x unchanged (as float64). */
export function clipL2(x: ArrayLike<number>, clip: number): Float64Array {
  checkFinite(x);
  const out = Float64Array.from(x);
  const norm = l2Norm(out);
  if (norm <= clip) return out;
  const factor = clip / norm;
  for (let i = 0; i < out.length; i++) out[i]! *= factor;
  return out;
}

/** Nearest integer, halves away from zero; v − trunc(v) is exact, so the comparison is too. */
function roundHalfAway(v: number): number {
  const whole = Math.trunc(v);
  return Math.abs(v - whole) >= 0.5 ? whole + Math.sign(v) : whole;
}

/** Clip, scale, round and wrap an update into Z_{2^32} (two's complement). */
export function encodeUpdate(update: ArrayLike<number>, config: FixedPointConfig): Uint32Array {
  checkCohort(1, config);
  if (update.length !== config.length) throw new Error(`fixed point: the update has ${update.length} values, expected ${config.length}`);
  const clipped = clipL2(update, config.clip);
  // Uint32Array stores ToUint32(code): code mod 2^32, two's complement for negatives.
  return Uint32Array.from(clipped, (v) => roundHalfAway(v * config.scale));
}

/**
 * The float sum of `count` clients' clipped updates from their sum mod 2^32. The sum, not the
 * mean: central DP noise is added to the sum before dividing.
 */
export function decodeSum(sum: Uint32Array, count: number, config: FixedPointConfig): Float64Array {
  checkCohort(count, config);
  if (sum.length !== config.length) throw new Error(`fixed point: the sum has ${sum.length} values, expected ${config.length}`);
  return Float64Array.from(sum, (v) => (v >= HALF_RING ? v - RING : v) / config.scale);
}
