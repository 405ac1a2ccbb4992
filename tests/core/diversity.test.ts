import { describe, expect, it } from 'vitest';
import { mmr } from '../../src/core/diversity.ts';
import { quantizeRows } from '../../src/core/item-matrix.ts';

const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
// Rows 0 and 1 are near-duplicates (cosine ≈ 0.99); 2 and 3 are unlike everything.
const matrix = quantizeRows(Float32Array.from([unit([1, 0, 0]), unit([0.99, 0.14, 0]), unit([0, 1, 0]), unit([0, 0, 1])].flat()), 3);
const candidates = [
  { row: 0, score: 1 },
  { row: 1, score: 0.95 },
  { row: 2, score: 0.9 },
  { row: 3, score: 0.5 },
];
const rows = (picked: { row: number }[]) => picked.map(({ row }) => row);

describe('mmr', () => {
  it('with λ = 1 is relevance order, whatever order the candidates come in', () => {
    expect(rows(mmr([...candidates].reverse(), 4, 1, matrix))).toEqual([0, 1, 2, 3]);
    expect(mmr(candidates, 2, 1, matrix)).toEqual(candidates.slice(0, 2));
  });

  it('with λ < 1 moves the near-duplicate of the first pick down', () => {
    expect(rows(mmr(candidates, 2, 0.5, matrix))).toEqual([0, 2]);
    expect(rows(mmr(candidates, 4, 0.5, matrix))).toEqual([0, 2, 3, 1]);
    // Mild diversity still keeps relevance order where nothing is near-identical.
    expect(rows(mmr(candidates, 4, 0.95, matrix))).toEqual([0, 1, 2, 3]);
  });

  it('means the same λ whatever the scale of the scores', () => {
    const scaled = candidates.map(({ row, score }) => ({ row, score: 1000 * score - 7 }));
    expect(rows(mmr(scaled, 4, 0.5, matrix))).toEqual(rows(mmr(candidates, 4, 0.5, matrix)));
  });

  it('returns every candidate when k exceeds them, keeps ties in input order, copes with none', () => {
    const tied = [2, 3, 0].map((row) => ({ row, score: 1 }));
    expect(rows(mmr(tied, 10, 1, matrix))).toEqual([2, 3, 0]);
    expect(rows(mmr(tied, 10, 0.7, matrix))).toEqual([2, 3, 0]);
    expect(mmr([], 5, 0.5, matrix)).toEqual([]);
  });

  it('rejects bad k, λ, rows and scores clearly', () => {
    expect(() => mmr(candidates, 0, 0.5, matrix)).toThrow(/k must be a whole number ≥ 1, got 0/);
    expect(() => mmr(candidates, 2, 1.5, matrix)).toThrow(/λ must be in \[0, 1\], got 1.5/);
    expect(() => mmr([{ row: 4, score: 1 }], 1, 0.5, matrix)).toThrow(/no item row 4/);
    expect(() => mmr([{ row: 0, score: Number.NaN }], 1, 0.5, matrix)).toThrow(/row 0 has score NaN/);
  });
});
