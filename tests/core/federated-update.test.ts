import { describe, expect, it } from 'vitest';
import { federatedVector, withFederatedVector } from '../../src/core/federated-parameters.ts';
import { localUpdate, trainingRows } from '../../src/core/federated-update.ts';
import { federatedGolden, goldenDelta, goldenMatrix, goldenRanker } from '../support/federated-golden.ts';

const rows = trainingRows(federatedGolden.sequence, goldenRanker.maxHistory, federatedGolden.max_rows);

describe('a browser\'s federated update', () => {
  it('builds the trainer\'s rows from the shopper\'s items: histories cut to max_history, the latest rows only', () => {
    expect(rows).toEqual(federatedGolden.rows);
    expect(trainingRows([4], 6, 10)).toEqual([]);
    expect(trainingRows([4, 5, 6], 6, 10)).toEqual([{ history: [4], target: 5 }, { history: [4, 5], target: 6 }]);
  });

  it.each(federatedGolden.cases.map((c) => [c.steps, c.lr, c] as const))('matches the trainer\'s local_updates: %i steps at lr %f', (steps, learningRate, c) => {
    const delta = localUpdate(goldenRanker, goldenMatrix, rows, { steps, learningRate });
    const expected = goldenDelta(c);
    expect(delta).toHaveLength(expected.length);
    // PyTorch runs in float32 throughout; ranker.ts sums in float64 over float32 logits, and
    // both round the parameters to float32 after each step. The delta is a difference of float32
    // parameters of size ≲ 1 (ulp ≈ 6e-8 to 1.2e-7): measured worst 3e-8, so the bound 2e-7 is
    // a couple of ulps, while one row fewer moves the update by 6% of its largest value.
    expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(0.01);
    let worst = 0;
    expected.forEach((value, i) => (worst = Math.max(worst, Math.abs(delta[i]! - value))));
    expect(worst).toBeLessThanOrEqual(2e-7);
  });

  it('is relative to the round\'s weights: training from the trained weights starts a new delta', () => {
    const delta = localUpdate(goldenRanker, goldenMatrix, rows, { steps: 1, learningRate: 0.1 });
    const trained = withFederatedVector(goldenRanker, federatedVector(goldenRanker).map((v, i) => v + delta[i]!));
    const next = localUpdate(trained, goldenMatrix, rows, { steps: 1, learningRate: 0.1 });
    expect(next.some((v, i) => v !== delta[i])).toBe(true);
    expect(next.every(Number.isFinite)).toBe(true);
  });

  it('refuses to train on nothing or with bad settings', () => {
    expect(() => localUpdate(goldenRanker, goldenMatrix, [])).toThrow(/no rows/);
    expect(() => localUpdate(goldenRanker, goldenMatrix, rows, { steps: 0, learningRate: 0.5 })).toThrow(/steps/);
    expect(() => localUpdate(goldenRanker, goldenMatrix, rows, { steps: 1, learningRate: Number.NaN })).toThrow(/learningRate/);
  });
});
