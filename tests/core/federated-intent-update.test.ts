import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { intentLocalUpdate, intentVector, withIntentVector, type IntentRow } from '../../src/core/federated-intent-update.ts';
import { parseIntentHead } from '../../src/core/intent-head.ts';
import { readJson, repoRoot } from '../support/models.ts';

/** tests/golden/federated-intent-update.json (python -m trainer.federated.golden_intent). */
interface IntentGolden {
  head: unknown;
  vector: string;
  rows: { embedding: number[]; label: number }[];
  cases: { steps: number; lr: number; delta: string }[];
}

const golden = readJson(join(repoRoot, 'tests/golden/federated-intent-update.json')) as IntentGolden;
const layer = parseIntentHead(golden.head).categoryLayer;
const rows: IntentRow[] = golden.rows.map((r) => ({ embedding: Float32Array.from(r.embedding), label: r.label }));
const float64 = (base64: string) => {
  const bytes = Buffer.from(base64, 'base64');
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};
const worstDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
};

describe('a browser\'s federated update of the intent head', () => {
  it('lays the category layer out as the trainer does: weight row-major, then bias', () => {
    expect(Array.from(intentVector(layer))).toEqual(Array.from(float64(golden.vector)));
    const back = withIntentVector(layer, intentVector(layer));
    expect(back.weight).toEqual(layer.weight);
    expect(back.bias).toEqual(layer.bias);
    expect(() => withIntentVector(layer, new Float64Array(3))).toThrow(/has 2310 values, got 3/);
  });

  it.each(golden.cases.map((c) => [c.steps, c.lr, c] as const))('matches the trainer\'s intent_local_update: %i steps at lr %f', (steps, learningRate, c) => {
    const expected = float64(c.delta);
    const delta = intentLocalUpdate(layer, rows, { steps, learningRate });
    expect(delta).toHaveLength(expected.length);
    // Both in float64 from the same float32 layer: only the order of the sums differs. The
    // update itself is far larger than the bound.
    expect(worstDifference(expected, new Float64Array(expected.length))).toBeGreaterThan(1e-3);
    expect(worstDifference(delta, expected)).toBeLessThanOrEqual(1e-12);
  });

  it('depends on every row: one row fewer changes the update', () => {
    const all = intentLocalUpdate(layer, rows);
    expect(worstDifference(intentLocalUpdate(layer, rows.slice(1)), all)).toBeGreaterThan(1e-4);
  });

  it('refuses to learn from nothing, from rows that do not fit the head, or with bad settings', () => {
    expect(() => intentLocalUpdate(layer, [])).toThrow(/no rows/);
    expect(() => intentLocalUpdate(layer, [{ embedding: new Float32Array(3), label: 0 }])).toThrow(/3 dims, the head 384/);
    expect(() => intentLocalUpdate(layer, [{ ...rows[0]!, label: layer.rows }])).toThrow(/does not index the head's 6 categories/);
    expect(() => intentLocalUpdate(layer, [{ ...rows[0]!, label: 0.5 }])).toThrow(/does not index/);
    expect(() => intentLocalUpdate(layer, rows, { steps: 0, learningRate: 0.5 })).toThrow(/^federated intent update: steps must be a positive integer/);
    const poisoned = Float32Array.from(rows[0]!.embedding);
    poisoned[0] = Number.NaN;
    expect(() => intentLocalUpdate(layer, [{ embedding: poisoned, label: 0 }])).toThrow(/not finite/);
  });
});
