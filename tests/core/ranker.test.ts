import { describe, expect, it } from 'vitest';
import { decodeFloat32 } from '../../src/core/float32-base64.ts';
import { explainRow, parseRanker, personalGradient, rankerForward, rankerGradients, type RankerContext } from '../../src/core/ranker.ts';
import { context, golden, matrix, personalOf, ranker } from '../support/ranker-golden.ts';

const TOLERANCE = 1e-5;

function maxAbsDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst;
}

describe('ranker forward pass', () => {
  it.each(golden.cases.map((c) => [c.history.join(' ') || '(empty)', c] as const))('matches PyTorch features and logits for history %s', (_, c) => {
    const forward = rankerForward(ranker, context, c.history, personalOf(c));
    expect(maxAbsDifference(forward.features, c.features)).toBeLessThanOrEqual(TOLERANCE);
    expect(maxAbsDifference(forward.click, c.click)).toBeLessThanOrEqual(TOLERANCE);
    expect(maxAbsDifference(forward.purchase, c.purchase)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('attends only to the last max_history items', () => {
    const long = golden.cases.find((c) => c.history.length > ranker.maxHistory)!;
    const forward = rankerForward(ranker, context, long.history);
    expect(forward.attended).toEqual(long.history.slice(-ranker.maxHistory));
    expect(forward.attention.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('rejects rows outside the catalogue, a wrong-width personal offset and malformed weights', () => {
    expect(() => rankerForward(ranker, context, [matrix.rows])).toThrow(/history row 40 is not in the catalogue/);
    expect(() => rankerForward(ranker, context, [1], new Float32Array(3))).toThrow(/personal offset has 3 dims, expected 8/);
    expect(() => parseRanker({ ...golden.ranker, format: 2 })).toThrow(/format/);
    expect(() => parseRanker({ ...golden.ranker, features: ['knn'] })).toThrow(/features/);
    expect(() => parseRanker({ ...golden.ranker, dims: 9 })).toThrow(/projection has 3072 values, expected 3456/);
    expect(() => rankerGradients(ranker, context, [1], -1)).toThrow(/target row -1/);
    expect(() => personalGradient(ranker, context, [1], 40, [1, 0])).toThrow(/target row 40/);
    expect(() => personalGradient(ranker, context, [1], 3, [1, 0], new Float32Array(3))).toThrow(/personal offset has 3 dims/);
  });

  it('ranks from text alone for a new store without order data', () => {
    const bare: RankerContext = { matrix, neighbours: null, popularity: null };
    const forward = rankerForward(ranker, bare, [1, 2]);
    for (let j = 0; j < matrix.rows; j++) {
      expect(forward.features[j * 5]).toBe(0);
      expect(forward.features[j * 5 + 1]).toBe(0);
      expect(forward.features[j * 5 + 4]).toBe(1);
    }
    expect(forward.click.every(Number.isFinite)).toBe(true);
  });
});

describe('ranker gradients', () => {
  it.each(golden.cases.map((c) => [c.history.join(' ') || '(empty)', c] as const))('match PyTorch autograd for history %s within 1e-5', (_, c) => {
    const grads = rankerGradients(ranker, context, c.history, c.target, c.loss_weights, personalOf(c));
    expect(Math.abs(grads.loss - c.loss)).toBeLessThanOrEqual(TOLERANCE);
    const projection = decodeFloat32(c.gradients.projection, ranker.dims * ranker.inputDims, 'golden projection gradient');
    expect(maxAbsDifference(grads.projection, projection)).toBeLessThanOrEqual(TOLERANCE);
    expect(maxAbsDifference(grads.attention, c.gradients.attention)).toBeLessThanOrEqual(TOLERANCE);
    expect(maxAbsDifference(grads.recency, c.gradients.recency)).toBeLessThanOrEqual(TOLERANCE);
    expect(maxAbsDifference(grads.featureWeights, c.gradients.feature_weights)).toBeLessThanOrEqual(TOLERANCE);
    expect(maxAbsDifference(grads.personal, c.gradients.personal)).toBeLessThanOrEqual(TOLERANCE);
  });

  it.each(golden.cases.map((c) => [c.history.join(' ') || '(empty)', c] as const))('personalGradient gives exactly rankerGradients\' loss and ∂δ for history %s', (_, c) => {
    // With the golden ranker's trained feature weights, and with none (the path that skips the features).
    const bare = { ...ranker, featureWeights: new Float32Array(ranker.featureWeights.length) };
    for (const weights of [c.loss_weights, [1, 0], [0, 1]] as const) {
      for (const r of [ranker, bare]) {
        const full = rankerGradients(r, context, c.history, c.target, weights, personalOf(c));
        const fast = personalGradient(r, context, c.history, c.target, weights, personalOf(c));
        expect(fast.loss).toBe(full.loss);
        expect(fast.personal).toEqual(full.personal);
      }
    }
  });

  it('lowers the loss when the personal offset takes a small step against its gradient', () => {
    const c = golden.cases.find((x) => x.personal)!;
    const personal = personalOf(c)!;
    const before = rankerGradients(ranker, context, c.history, c.target, c.loss_weights, personal);
    const stepped = personal.map((p, i) => p - 0.05 * before.personal[i]!);
    const after = rankerGradients(ranker, context, c.history, c.target, c.loss_weights, stepped);
    expect(after.loss).toBeLessThan(before.loss);
  });
});

describe('explainRow', () => {
  it('names a history item other than the explained row, and nothing for an empty history', () => {
    const history = [1, 2, 3, 4];
    const forward = rankerForward(ranker, context, history);
    for (const row of [0, 5, 2]) {
      const because = explainRow(ranker, context, forward, history, row);
      expect(history).toContain(because);
      expect(because).not.toBe(row);
    }
    expect(explainRow(ranker, context, rankerForward(ranker, context, []), [], 5)).toBeNull();
  });
});
