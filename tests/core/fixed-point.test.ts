import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCohort, clipL2, decodeSum, encodeUpdate, RING, type FixedPointConfig } from '../../src/core/fixed-point.ts';
import { addInto } from '../../src/core/ring.ts';
import { readJson, repoRoot } from '../support/models.ts';

interface FixedPointCase {
  name: string;
  config: FixedPointConfig;
  updates: number[][];
  clipped: number[][];
  encoded: number[][];
  sum: number[];
  decoded: number[];
}

const golden = readJson(join(repoRoot, 'tests/golden/fixed-point.json')) as {
  cases: FixedPointCase[];
  cohorts: { config: FixedPointConfig; count: number; fits: boolean }[];
};

describe('fixed-point encoding (trainer/federated/fixed_point.py)', () => {
  it.each(golden.cases.map((c) => [c.name, c] as const))('matches the trainer bit for bit: %s', (_, c) => {
    const sum = new Uint32Array(c.config.length);
    c.updates.forEach((update, i) => {
      // The trainer wrote float32-exact values where the browser holds Float32Array gradients.
      expect(clipL2(update, c.config.clip)).toEqual(Float64Array.from(c.clipped[i]!));
      const encoded = encodeUpdate(update, c.config);
      expect(encoded).toEqual(Uint32Array.from(c.encoded[i]!));
      addInto(sum, encoded);
    });
    expect(sum).toEqual(Uint32Array.from(c.sum));
    expect(decodeSum(sum, c.updates.length, c.config)).toEqual(Float64Array.from(c.decoded));
  });

  it('encodes a Float32Array as the trainer encodes the same float32 values', () => {
    const c = golden.cases.find((x) => x.name.startsWith('float32'))!;
    expect(encodeUpdate(Float32Array.from(c.updates[0]!), c.config)).toEqual(Uint32Array.from(c.encoded[0]!));
  });

  it.each(golden.cohorts.map((c) => [c.count, c.fits, c] as const))('a cohort of %i fits the ring: %s, as the trainer says', (_, fits, c) => {
    if (fits) expect(() => checkCohort(c.count, c.config)).not.toThrow();
    else expect(() => checkCohort(c.count, c.config)).toThrow(/the sum could wrap/);
  });

  it('stores negative codes as two\'s complement and rounds halves away from zero', () => {
    const config = { length: 4, clip: 10, scale: 2 };
    expect(Array.from(encodeUpdate([1.25, -1.25, -0.25, -3], config))).toEqual([3, RING - 3, RING - 1, RING - 6]);
  });

  it('refuses NaN, infinities, a wrong length and a configuration whose codes cannot fit', () => {
    const config = { length: 3, clip: 1, scale: 10 };
    expect(() => encodeUpdate([0, Number.NaN, 0], config)).toThrow('fixed point: value 1 is NaN (not finite)');
    expect(() => encodeUpdate([0, 0, Infinity], config)).toThrow('fixed point: value 2 is Infinity (not finite)');
    expect(() => encodeUpdate(Float32Array.of(-Infinity, 0, 0), config)).toThrow('value 0 is -Infinity');
    expect(() => encodeUpdate([0, 1], config)).toThrow('fixed point: the update has 2 values, expected 3');
    expect(() => decodeSum(new Uint32Array(4), 1, config)).toThrow('the sum has 4 values, expected 3');
    expect(() => decodeSum(new Uint32Array(3), 0, config)).toThrow('cohort size must be a positive integer');
    expect(() => encodeUpdate([0, 0, 0], { ...config, scale: 2 ** 31 })).toThrow(/the sum could wrap/);
    expect(() => encodeUpdate([0, 0, 0], { ...config, clip: Number.NaN })).toThrow('clip must be a positive finite number');
  });
});
