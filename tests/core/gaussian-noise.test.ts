import { describe, expect, it } from 'vitest';
import { gaussianNoise, uniformFrom } from '../../src/core/gaussian-noise.ts';
import { seededBytes } from '../support/seeded-bytes.ts';

describe('gaussianNoise', () => {
  it('has mean 0 and standard deviation σ (within 4 standard errors over 200,000 draws)', () => {
    const n = 200_000;
    const sigma = 2.5;
    const x = gaussianNoise(n, sigma, uniformFrom(seededBytes('noise')));
    let sum = 0;
    let squares = 0;
    let fourth = 0;
    for (const v of x) {
      sum += v;
      squares += v * v;
      fourth += v ** 4;
    }
    const mean = sum / n;
    const variance = squares / n;
    expect(Math.abs(mean)).toBeLessThan((4 * sigma) / Math.sqrt(n));
    // Var of the sample second moment is 2σ⁴/n for a Gaussian.
    expect(Math.abs(variance - sigma ** 2)).toBeLessThan(4 * Math.sqrt(2 / n) * sigma ** 2);
    // Kurtosis 3 tells a Gaussian from, say, a uniform of the same variance (1.8).
    expect(fourth / n / variance ** 2).toBeCloseTo(3, 1);
  });

  it('fills odd lengths and gives exact zeros for σ = 0', () => {
    const odd = gaussianNoise(5, 1, uniformFrom(seededBytes('odd')));
    expect(odd.every((v) => Number.isFinite(v) && v !== 0)).toBe(true);
    expect(Array.from(gaussianNoise(4, 0, () => 0.5))).toEqual([0, 0, 0, 0]);
  });

  it('refuses a bad σ or a uniform source that can give 0', () => {
    expect(() => gaussianNoise(2, -1, () => 0.5)).toThrow(/σ/);
    expect(() => gaussianNoise(2, Number.NaN, () => 0.5)).toThrow(/σ/);
    expect(() => gaussianNoise(2, 1, () => 0)).toThrow(/outside \(0, 1\]/);
  });
});

describe('uniformFrom', () => {
  it('maps all-zero bytes to the smallest step and all-one bytes to 1', () => {
    expect(uniformFrom((n) => new Uint8Array(n))()).toBe(2 ** -53);
    expect(uniformFrom((n) => new Uint8Array(n).fill(255))()).toBe(1);
  });
});
