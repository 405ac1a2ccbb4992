/**
 * t-of-n Shamir secret sharing of 32-byte secrets (SecAgg's self-mask seeds and masking private
 * keys) over GF(p), p = 2^521 − 1: a prime larger than any 32-byte value, so a secret is one
 * field element and no encoding is needed. A share is f(x) for a random polynomial f of degree
 * t − 1 with f(0) = secret, evaluated at the shareholder's client index x.
 *
 * Any t shares give the secret back (Lagrange interpolation at 0); any t − 1 are uniformly
 * distributed whatever the secret. Shares carry no authentication and corruption is not detected:
 * an altered share reconstructs a different secret, refused only if it happens not to fit in 32
 * bytes. (SecAgg's threat model here is an honest-but-curious server; see src/client/README.md.)
 */

export const SHAMIR_PRIME = (1n << 521n) - 1n;
/** 521 bits, big-endian. */
export const SHARE_BYTES = 66;
export const SECRET_BYTES = 32;

export interface Share {
  /** The shareholder's evaluation point (its client index, ≥ 1). */
  x: number;
  /** f(x), SHARE_BYTES big-endian. */
  y: Uint8Array;
}

/** Cryptographically secure random bytes (crypto.getRandomValues in production). */
export type RandomBytes = (count: number) => Uint8Array;

const P = SHAMIR_PRIME;

// Through hex: one BigInt parse or print instead of a BigInt operation per byte.
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = '0x0';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return BigInt(hex);
}

export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  const hex = value.toString(16);
  if (value < 0n || hex.length > 2 * length) throw new Error(`shamir: value does not fit in ${length} bytes`);
  const padded = hex.padStart(2 * length, '0');
  return Uint8Array.from({ length }, (_, i) => parseInt(padded.slice(2 * i, 2 * i + 2), 16));
}

/** A uniform element of GF(p): 521 random bits, redrawn in the one case (p itself) they overflow. */
function randomElement(randomBytes: RandomBytes): bigint {
  for (;;) {
    const bytes = randomBytes(SHARE_BYTES);
    if (bytes.length !== SHARE_BYTES) throw new Error(`shamir: randomBytes returned ${bytes.length} bytes, expected ${SHARE_BYTES}`);
    const value = bytesToBigInt(bytes) & P;
    if (value !== P) return value;
  }
}

function checkPoints(points: readonly number[]): void {
  const seen = new Set<number>();
  for (const x of points) {
    if (!Number.isSafeInteger(x) || x < 1) throw new Error(`shamir: evaluation point ${x} must be a positive integer`);
    if (seen.has(x)) throw new Error(`shamir: evaluation point ${x} appears twice`);
    seen.add(x);
  }
}

/** One share per evaluation point; any `threshold` of them reconstruct the secret. */
export function split(secret: Uint8Array, threshold: number, points: readonly number[], randomBytes: RandomBytes): Share[] {
  if (secret.length !== SECRET_BYTES) throw new Error(`shamir: the secret has ${secret.length} bytes, expected ${SECRET_BYTES}`);
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > points.length) {
    throw new Error(`shamir: threshold ${threshold} must be between 1 and the ${points.length} shareholders`);
  }
  checkPoints(points);
  // f(x) = secret + c_1 x + … + c_{t−1} x^{t−1}
  const coefficients = [bytesToBigInt(secret)];
  for (let i = 1; i < threshold; i++) coefficients.push(randomElement(randomBytes));
  return points.map((point) => {
    const x = BigInt(point);
    let y = 0n;
    for (let i = coefficients.length - 1; i >= 0; i--) y = (y * x + coefficients[i]!) % P;
    return { x: point, y: bigIntToBytes(y, SHARE_BYTES) };
  });
}

function inverse(a: bigint): bigint {
  // Extended Euclid; p is prime and 0 < a < p, so the gcd is 1.
  let [r0, r1, s0, s1] = [P, a, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % P) + P) % P;
}

/** Every value's inverse with one modular inversion (Montgomery's trick). */
function inverseAll(values: readonly bigint[]): bigint[] {
  const prefix: bigint[] = [];
  let product = 1n;
  for (const v of values) {
    prefix.push(product);
    product = (product * v) % P;
  }
  let inv = inverse(product);
  const out = new Array<bigint>(values.length);
  for (let i = values.length - 1; i >= 0; i--) {
    out[i] = (inv * prefix[i]!) % P;
    inv = (inv * values[i]!) % P;
  }
  return out;
}

/**
 * The secret from `threshold` shares: f(0) = Σ_i y_i Π_{j≠i} x_j / (x_j − x_i). Only the first
 * `threshold` shares are used; extra shares are not checked against them.
 */
export function combine(shares: readonly Share[], threshold: number): Uint8Array {
  if (!Number.isInteger(threshold) || threshold < 1) throw new Error(`shamir: threshold ${threshold} must be a positive integer`);
  if (shares.length < threshold) throw new Error(`shamir: ${shares.length} shares cannot reconstruct a secret shared with threshold ${threshold}`);
  checkPoints(shares.map((s) => s.x));
  const used = shares.slice(0, threshold);
  const ys = used.map((s) => {
    if (s.y.length !== SHARE_BYTES) throw new Error(`shamir: the share for point ${s.x} has ${s.y.length} bytes, expected ${SHARE_BYTES}`);
    const y = bytesToBigInt(s.y);
    if (y >= P) throw new Error(`shamir: the share for point ${s.x} is not a field element`);
    return y;
  });
  const xs = used.map((s) => BigInt(s.x));
  const numerators: bigint[] = [];
  const denominators: bigint[] = [];
  xs.forEach((xi, i) => {
    let num = 1n;
    let den = 1n;
    xs.forEach((xj, j) => {
      if (j === i) return;
      num = (num * xj) % P;
      den = (den * (((xj - xi) % P) + P)) % P;
    });
    numerators.push(num);
    denominators.push(den);
  });
  const inverses = inverseAll(denominators);
  let secret = 0n;
  ys.forEach((y, i) => (secret = (secret + ((y * numerators[i]!) % P) * inverses[i]!) % P));
  if (secret >> BigInt(SECRET_BYTES * 8) !== 0n) throw new Error('shamir: the shares do not reconstruct a 32-byte secret (a share is corrupt or from another secret)');
  return bigIntToBytes(secret, SECRET_BYTES);
}
