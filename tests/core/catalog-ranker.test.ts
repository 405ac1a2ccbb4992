import { describe, expect, it } from 'vitest';
import { CatalogRanker } from '../../src/core/catalog-ranker.ts';
import { quantizeRows } from '../../src/core/item-matrix.ts';

const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const rows = [unit([1, 0, 0]), unit([0.9, 0.1, 0]), unit([0, 1, 0]), unit([0, 0, 1])];
const ranker = new CatalogRanker(quantizeRows(Float32Array.from(rows.flat()), 3), ['a', 'b', 'c', 'd']);

describe('CatalogRanker', () => {
  it('ranks the whole catalogue by cosine and maps rows back to ids', () => {
    const ranked = ranker.rank(Float32Array.from([1, 0, 0]), 3);
    expect(ranked.map((r) => r.id)).toEqual(['a', 'b', expect.any(String)]);
    expect(ranked[0]!.score).toBeCloseTo(1, 2);
  });

  it('excludes ids, ignores unknown ones, and finds neighbours of a stored item', () => {
    expect(ranker.rank(ranker.vectorOf('a'), 1, ['a', 'zzz']).map((r) => r.id)).toEqual(['b']);
    expect(ranker.has('c')).toBe(true);
    expect(() => ranker.vectorOf('zzz')).toThrow(/unknown item id "zzz"/);
  });

  it('maps known ids to rows in order, skipping ids that left the catalogue', () => {
    expect(ranker.knownRows(['c', 'gone', 'a', 'c'])).toEqual([2, 0, 2]);
    expect(ranker.knownRows([])).toEqual([]);
  });

  it('refuses ids that do not match the matrix rows', () => {
    expect(() => new CatalogRanker(quantizeRows(new Float32Array(6), 3), ['only-one'])).toThrow(/1 ids for 2 item rows/);
  });
});
