import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { itemVector, parseItemMatrix, quantizeRows, scoreAll, serializeItemMatrix } from '../../src/core/item-matrix.ts';
import { topK } from '../../src/core/similarity.ts';
import { readJson, repoRoot } from '../support/models.ts';

interface ItemMatrixGolden {
  dims: number;
  vectors: number[][];
  codes: number[][];
  scales: number[];
  query_row: number;
  scores: number[];
  serialized_sha256: string;
}

const golden = readJson(join(repoRoot, 'tests/golden/item-matrix.json')) as ItemMatrixGolden;
const matrix = quantizeRows(Float32Array.from(golden.vectors.flat()), golden.dims);

describe('item matrix (int8 rows, float32 scale per row)', () => {
  it('quantises exactly as the trainer does: same codes, same scales, same bytes', () => {
    expect(matrix.rows).toBe(golden.codes.length);
    for (let r = 0; r < matrix.rows; r++) {
      expect(Array.from(matrix.codes.subarray(r * golden.dims, (r + 1) * golden.dims)), `row ${r}`).toEqual(golden.codes[r]);
    }
    expect(Array.from(matrix.scales)).toEqual(golden.scales);
    const bytes = serializeItemMatrix(matrix);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(golden.serialized_sha256);
  });

  it('scores every row like the trainer, within float rounding', () => {
    const query = Float32Array.from(golden.vectors[golden.query_row]!);
    const scores = scoreAll(query, matrix);
    scores.forEach((s, r) => expect(Math.abs(s - golden.scores[r]!), `row ${r}`).toBeLessThan(1e-6));
    // The query's own row is its nearest neighbour.
    expect(topK(scores, 1)[0]!.index).toBe(golden.query_row);
  });

  it('round-trips through its binary form and reconstructs rows within half a step', () => {
    const bytes = serializeItemMatrix(matrix);
    const parsed = parseItemMatrix(bytes.slice().buffer);
    expect(parsed.rows).toBe(matrix.rows);
    expect(parsed.dims).toBe(matrix.dims);
    expect(Array.from(parsed.codes)).toEqual(Array.from(matrix.codes));
    const original = golden.vectors[5]!;
    const restored = itemVector(parsed, 5);
    const step = parsed.scales[5]!;
    original.forEach((x, d) => expect(Math.abs(restored[d]! - x)).toBeLessThanOrEqual(step / 2 + 1e-7));
  });

  it('rejects truncated, foreign and non-finite input with a clear error', () => {
    const bytes = serializeItemMatrix(matrix);
    expect(() => parseItemMatrix(bytes.slice(0, bytes.length - 1).buffer)).toThrow(/header implies/);
    expect(() => parseItemMatrix(new TextEncoder().encode('not a matrix at all').buffer)).toThrow(/bad magic/);
    expect(() => parseItemMatrix(new ArrayBuffer(4))).toThrow(/shorter than its header/);
    expect(() => quantizeRows(Float32Array.from([NaN, 1]), 2)).toThrow(/non-finite/);
    expect(() => quantizeRows(new Float32Array(5), 2)).toThrow(/rows of 2/);
    expect(() => itemVector(matrix, matrix.rows)).toThrow(/no row/);
    expect(() => scoreAll(new Float32Array(3), matrix)).toThrow(/3 dims, expected 384/);
  });
});
