import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BehaviourEvent } from '../../src/core/behaviour-event.ts';
import { DEFAULT_INTENT_TRAINING, intentLocalUpdate, intentOf, intentRows, intentVector, withIntentVector, type IntentRow } from '../../src/core/federated-intent-update.ts';
import { parseIntentHead } from '../../src/core/intent-head.ts';
import { readJson, repoRoot } from '../support/models.ts';

/** tests/golden/federated-intent-update.json (python -m trainer.federated.golden_intent). */
interface IntentGolden {
  head: unknown;
  vector: string;
  rows: { embedding: number[]; label: number }[];
  cases: { steps: number; lr: number; delta: string }[];
  intent_of: { category: string[]; intent: string }[];
  defaults: { steps: number; lr: number };
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

  it('trains with the trainer\'s defaults when given no settings', () => {
    expect(DEFAULT_INTENT_TRAINING).toEqual({ steps: golden.defaults.steps, learningRate: golden.defaults.lr });
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

describe('the rows a device learns the intent head from', () => {
  it.each(golden.intent_of.map((c) => [c.category.join(' / '), c] as const))('names a product\'s category intent as the trainer does: %s', (_, c) => {
    expect(intentOf(c.category)).toBe(c.intent);
  });

  const categories = ['Kitchen > Cookware', 'Kitchen > Knives', 'Tools > Hand Tools'];
  const unit = (angle: number) => [Math.cos(angle), Math.sin(angle), 0];
  const head = { version: 'v2', categories, dims: 3 };
  const search = (angle: number, at: number): BehaviourEvent => ({ type: 'search', at, query: `q${at}`, embedding: unit(angle), embeddedBy: 'v2', placement: 'search' });
  const chose = (category: string[], at: number, type: BehaviourEvent['type'] = 'click'): BehaviourEvent => ({ type, at, itemId: `p${at}`, category, placement: 'search' });

  it('pairs each search with the category of the product chosen from its results', () => {
    const events: BehaviourEvent[] = [
      search(0.1, 1), { type: 'impression', at: 1, itemIds: ['x'], placement: 'similar' }, chose(['Kitchen', 'Knives', 'Chef'], 2),
      search(0.2, 3), chose(['Tools', 'Hand Tools'], 4, 'add_to_cart'),
    ];
    const rows = intentRows(events, head, 20);
    expect(rows.map((r) => r.label)).toEqual([1, 2]);
    expect(Array.from(rows[0]!.embedding)).toEqual(Array.from(Float32Array.from(unit(0.1))));
  });

  it('gives no row for a search that led nowhere, a choice made elsewhere, an unknown category or a missing embedding', () => {
    const events: BehaviourEvent[] = [
      search(0.1, 1), search(0.2, 2), chose(['Kitchen', 'Cookware'], 3), // only the second search led to the product
      search(0.3, 4), { type: 'view', at: 5, itemId: 'p5', category: ['Kitchen', 'Knives'] }, // a product page, not a result
      search(0.4, 6), chose(['Garden', 'Seeds'], 7), // the head knows no such category
      { type: 'search', at: 8, query: 'words only', placement: 'search' }, chose(['Kitchen', 'Knives'], 9), // searched without the model
      { ...search(0.5, 10), embedding: [1, 0] }, chose(['Kitchen', 'Knives'], 11), // another encoder's width
      { ...search(0.6, 12), embeddedBy: 'v1' }, chose(['Kitchen', 'Knives'], 13), // the last version's encoder: another space
      chose(['Kitchen', 'Knives'], 14), // no search before it
    ];
    expect(intentRows(events, head, 20)).toEqual([{ embedding: Float32Array.from(unit(0.2)), label: 0 }]);
  });

  it('keeps the most recent rows up to the limit', () => {
    const events = Array.from({ length: 5 }, (_, i) => [search(i, 2 * i), chose(['Kitchen', i % 2 ? 'Knives' : 'Cookware'], 2 * i + 1)]).flat();
    expect(intentRows(events, head, 2).map((r) => r.embedding[0])).toEqual([Math.fround(Math.cos(3)), Math.fround(Math.cos(4))]);
  });
});
