import { describe, expect, it } from 'vitest';
import { topKByDot } from '../../src/core/similarity.ts';

function randomMatrix(rows: number, dims: number, seed: number): Float32Array {
  let state = seed;
  const next = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return Float32Array.from({ length: rows * dims }, next);
}

describe('topKByDot', () => {
  it('returns the same top rows as a full sort', () => {
    const dims = 8;
    const matrix = randomMatrix(500, dims, 7);
    const query = matrix.slice(0, dims);
    const scores = Array.from({ length: 500 }, (_, r) => {
      let s = 0;
      for (let d = 0; d < dims; d++) s += query[d]! * matrix[r * dims + d]!;
      return { index: r, score: s };
    }).sort((a, b) => b.score - a.score);
    const top = topKByDot(query, matrix, dims, 10);
    expect(top.map((n) => n.index)).toEqual(scores.slice(0, 10).map((n) => n.index));
    expect(top[0]!.index).toBe(0);
  });

  it('skips excluded rows and copes with k larger than the catalogue', () => {
    const matrix = Float32Array.from([1, 0, 0.9, 0.1, 0, 1]);
    const top = topKByDot(Float32Array.from([1, 0]), matrix, 2, 10, new Set([0]));
    expect(top.map((n) => n.index)).toEqual([1, 2]);
    expect(topKByDot(Float32Array.from([1, 0]), matrix, 2, 0)).toEqual([]);
  });

  it('rejects vectors of the wrong width', () => {
    expect(() => topKByDot(new Float32Array(3), new Float32Array(8), 4, 1)).toThrow(/3 dims, expected 4/);
    expect(() => topKByDot(new Float32Array(4), new Float32Array(7), 4, 1)).toThrow(/not a multiple/);
  });
});
