import { describe, expect, it } from 'vitest';
import { checkNeighbours, neighboursFromLists } from '../../src/core/neighbours.ts';

describe('neighbours', () => {
  it('packs per-row lists into CSR arrays, rows without data included', () => {
    const n = neighboursFromLists([[[1, 0.5], [2, 0.25]], [], [[0, 1]]]);
    expect(Array.from(n.offsets)).toEqual([0, 2, 2, 3]);
    expect(Array.from(n.rows)).toEqual([1, 2, 0]);
    expect(Array.from(n.weights)).toEqual([0.5, 0.25, 1]);
  });

  it('rejects rows outside the catalogue, bad weights and inconsistent arrays', () => {
    expect(() => neighboursFromLists([[[-1, 1]]])).toThrow(/-1 is not a row/);
    expect(() => neighboursFromLists([[[1, 1]]])).toThrow(/pair 0 names row 1, the catalogue has 1/);
    expect(() => neighboursFromLists([[[0, Number.NaN]]])).toThrow(/pair 0 has weight NaN/);
    const offsets = Uint32Array.of(0, 2, 1);
    expect(() => checkNeighbours({ offsets, rows: new Uint32Array(1), weights: new Float32Array(1) }, 2)).toThrow(/offsets decrease at row 1/);
    expect(() => checkNeighbours({ offsets, rows: new Uint32Array(1), weights: new Float32Array(1) }, 3)).toThrow(/3 offsets for 3 catalogue rows/);
  });
});
