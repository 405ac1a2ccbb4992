import { describe, expect, it } from 'vitest';
import { federatedGradient, federatedLength, federatedVector, withFederatedVector } from '../../src/core/federated-parameters.ts';
import { rankerGradients } from '../../src/core/ranker.ts';
import { federatedGolden, goldenMatrix, goldenRanker, goldenVector } from '../support/federated-golden.ts';

describe('the federated parameter vector', () => {
  it('has the trainer\'s layout: P, a, r, then [click, purchase] × [in_history, last_cosine]', () => {
    const { dims, inputDims, maxHistory } = goldenRanker;
    expect(federatedGolden.layout.sizes).toEqual([dims * inputDims, dims, maxHistory, 4]);
    expect(federatedLength(goldenRanker)).toBe(federatedGolden.layout.size);
  });

  it('flattens a ranker exactly as the trainer does (float32 values, so bit for bit)', () => {
    expect(Array.from(federatedVector(goldenRanker))).toEqual(Array.from(goldenVector));
  });

  it('applies a vector back to a copy, leaving the other feature weights and the original alone', () => {
    const vector = federatedVector(goldenRanker).map((v, i) => v + (i % 7) * 0.125);
    const before = goldenRanker.featureWeights.slice();
    const applied = withFederatedVector(goldenRanker, vector);
    expect(Array.from(federatedVector(applied))).toEqual(Array.from(Float32Array.from(vector)));
    // knn, popularity and no_orders (columns 0, 1, 4 of each output) keep their values.
    for (const i of [0, 1, 4, 5, 6, 9]) expect(applied.featureWeights[i]).toBe(before[i]);
    expect(Array.from(goldenRanker.featureWeights)).toEqual(Array.from(before));
    expect(Array.from(federatedVector(goldenRanker))).toEqual(Array.from(goldenVector));
  });

  it('orders a gradient the same way as the parameters', () => {
    const context = { matrix: goldenMatrix, neighbours: null, popularity: null };
    const g = rankerGradients(goldenRanker, context, [3, 17], 22);
    const flat = federatedGradient(g);
    const sizes = federatedGolden.layout.sizes;
    expect(flat[0]).toBe(g.projection[0]);
    expect(flat[sizes[0]!]).toBe(g.attention[0]);
    expect(flat[sizes[0]! + sizes[1]!]).toBe(g.recency[0]);
    // in_history (column 2) and last_cosine (column 3) of click, then of purchase (5 features each).
    expect(Array.from(flat.subarray(flat.length - 4))).toEqual([g.featureWeights[2], g.featureWeights[3], g.featureWeights[7], g.featureWeights[8]]);
  });

  it('refuses a vector of the wrong length', () => {
    expect(() => withFederatedVector(goldenRanker, new Float64Array(3))).toThrow(/3 values, the ranker's federated parameters/);
  });
});
