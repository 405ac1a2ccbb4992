import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/seeded-random.ts';

describe('mulberry32', () => {
  it('gives the same stream for the same seed and another for another seed', () => {
    const take = (seed: number) => Array.from({ length: 5 }, mulberry32(seed));
    expect(take(7)).toEqual(take(7));
    expect(take(7)).not.toEqual(take(8));
  });

  it('stays in [0, 1) and spreads evenly', () => {
    const next = mulberry32(1);
    const draws = Array.from({ length: 100_000 }, next);
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    // Each tenth of [0, 1) gets 10 % of the draws, to well within sampling error (σ ≈ 0.1 %).
    const tenths = new Array<number>(10).fill(0);
    for (const x of draws) tenths[Math.floor(x * 10)]!++;
    for (const count of tenths) expect(Math.abs(count / draws.length - 0.1)).toBeLessThan(0.005);
  });
});
