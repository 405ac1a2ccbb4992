/**
 * Gaussian noise for central differential privacy, drawn from a caller's uniform source (the
 * server passes node:crypto; tests pass a seeded one). Box–Muller on two uniforms in (0, 1].
 *
 * Known limit: floating-point Gaussian samplers leak a little through the low bits of their
 * outputs (Mironov 2012). Values here are rounded to float32 when the ranker is published,
 * which blunts the classic attack, but this is not a discrete Gaussian sampler.
 */

/** A uniform number in (0, 1]: never 0, so the logarithm stays finite. */
export type Uniform = () => number;

/** Uniforms in (0, 1] on a 2^-53 grid from a source of random bytes (node:crypto's randomBytes on the server). */
export function uniformFrom(randomBytes: (count: number) => Uint8Array): Uniform {
  return () => {
    const b = randomBytes(7);
    // 53 bits: the top 5 of the first byte are dropped.
    const high = ((b[0]! & 0x1f) * 2 ** 16 + b[1]! * 2 ** 8 + b[2]!) * 2 ** 32;
    const low = ((b[3]! << 24) >>> 0) + (b[4]! << 16) + (b[5]! << 8) + b[6]!;
    return (high + low + 1) / 2 ** 53;
  };
}

export function gaussianNoise(length: number, sigma: number, uniform: Uniform): Float64Array {
  if (!(sigma >= 0) || !Number.isFinite(sigma)) throw new Error(`gaussian noise: σ must be a finite number ≥ 0, got ${sigma}`);
  const out = new Float64Array(length);
  if (sigma === 0) return out;
  for (let i = 0; i < length; i += 2) {
    const u1 = uniform();
    const u2 = uniform();
    if (!(u1 > 0 && u1 <= 1 && u2 > 0 && u2 <= 1)) throw new Error(`gaussian noise: the uniform source gave ${u1}, ${u2}, outside (0, 1]`);
    const radius = sigma * Math.sqrt(-2 * Math.log(u1));
    out[i] = radius * Math.cos(2 * Math.PI * u2);
    if (i + 1 < length) out[i + 1] = radius * Math.sin(2 * Math.PI * u2);
  }
  return out;
}
