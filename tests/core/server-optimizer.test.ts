import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFedAdam, fedadam, fedavg, noisyMean, zeroState } from '../../src/core/server-optimizer.ts';
import { readJson, repoRoot } from '../support/models.ts';

const golden = readJson(join(repoRoot, 'tests/golden/server-optimizer.json')) as {
  params: number[];
  rates: number[];
  fedadam: { beta1: number; beta2: number; tau: number };
  steps: { sum: number[]; noise: number[]; expected_cohort: number; mean: number[] }[];
  fedadam_trace: { params: number[]; m: number[]; v: number[] }[];
  fedavg_trace: { params: number[] }[];
};

// The same float64 operations in the same order as numpy's: equal to the last bit or one ulp
// where numpy fuses nothing either; 1e-15 relative leaves room for sqrt's correct rounding only.
const close = (actual: Float64Array, expected: number[]) => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!)).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(expected[i]!))));
};

describe('server optimizer (trainer/federated/server_optimizer.py)', () => {
  const rates = Float64Array.from(golden.rates);

  it('forms the noisy mean as the trainer does', () => {
    for (const step of golden.steps) close(noisyMean(step.sum, step.noise, step.expected_cohort), step.mean);
  });

  it('FedAdam matches the trainer over three rounds', () => {
    const settings = checkFedAdam({ rates, ...golden.fedadam });
    let params: Float64Array<ArrayBuffer> = Float64Array.from(golden.params);
    let state = zeroState(params.length);
    golden.steps.forEach((step, k) => {
      ({ params, state } = fedadam(params, step.mean, state, settings));
      close(params, golden.fedadam_trace[k]!.params);
      close(state.m, golden.fedadam_trace[k]!.m);
      close(state.v, golden.fedadam_trace[k]!.v);
    });
  });

  it('FedAvg matches the trainer over three rounds', () => {
    let params: Float64Array<ArrayBuffer> = Float64Array.from(golden.params);
    golden.steps.forEach((step, k) => {
      params = fedavg(params, step.mean, rates);
      close(params, golden.fedavg_trace[k]!.params);
    });
  });

  it('refuses a NaN update, mismatched lengths, a bad cohort and bad settings, leaving its inputs alone', () => {
    const params = Float64Array.of(1, 2);
    const state = zeroState(2);
    const settings = { rates: Float64Array.of(0.1, 0.1), beta1: 0.9, beta2: 0.99, tau: 1e-3 };
    expect(() => fedadam(params, [Number.NaN, 0], state, settings)).toThrow(/coordinate 0 is NaN/);
    expect(() => fedavg(params, [1], settings.rates)).toThrow(/one length/);
    expect(() => noisyMean([1], [0], 0)).toThrow(/expected cohort/);
    expect(() => checkFedAdam({ ...settings, beta1: 1 })).toThrow(/β1/);
    expect(() => checkFedAdam({ ...settings, rates: Float64Array.of(0.1, -1) })).toThrow(/learning rate/);
    fedadam(params, [0.5, -0.5], state, settings);
    expect(Array.from(params)).toEqual([1, 2]);
    expect(Array.from(state.m)).toEqual([0, 0]);
  });
});
