import { describe, expect, it } from 'vitest';
import { topK } from '../../src/core/similarity.ts';

function randomScores(n: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: n }, () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1);
}

describe('topK', () => {
  it('returns the same indices as a full sort, best first', () => {
    const scores = randomScores(5000, 7);
    const sorted = Array.from(scores, (score, index) => ({ index, score })).sort((a, b) => b.score - a.score);
    expect(topK(scores, 25)).toEqual(sorted.slice(0, 25));
  });

  it('skips excluded indices and copes with k larger than the input or zero', () => {
    const scores = [0.9, 0.5, 0.7];
    expect(topK(scores, 10, new Set([0])).map((n) => n.index)).toEqual([2, 1]);
    expect(topK(scores, 0)).toEqual([]);
    expect(topK([], 3)).toEqual([]);
  });
});
