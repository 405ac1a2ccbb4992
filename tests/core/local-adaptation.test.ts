import { describe, expect, it } from 'vitest';
import { adaptationStep, checkAdaptationSettings, DEFAULT_ADAPTATION, replayEvents, type AdaptationEvent, type AdaptationSettings } from '../../src/core/local-adaptation.ts';
import { personalGradient } from '../../src/core/ranker.ts';
import { context, golden, matrix, ranker } from '../support/ranker-golden.ts';

// The golden ranker (8 dims, 40 items, trained feature weights) that tests/core/ranker.test.ts checks against PyTorch.
const withPersonal = golden.cases.find((c) => c.personal)!;
const start = Float32Array.from(withPersonal.personal!);
const { history, target } = withPersonal;
const plain: AdaptationSettings = { learningRate: 0.05, l2: 0, maxNorm: Infinity };
const norm = (values: ArrayLike<number>) => Math.hypot(...Array.from(values));

describe('adaptationStep', () => {
  it('lowers the loss of the event it learned from, on the output its kind trains', () => {
    for (const [kind, weights] of [['view', [1, 0]], ['purchase', [0, 1]]] as const) {
      const before = personalGradient(ranker, context, history, target, weights, start).loss;
      const step = adaptationStep(ranker, context, history, target, kind, start, plain);
      expect(step.stepped).toBe(true);
      expect(step.loss).toBe(before);
      expect(personalGradient(ranker, context, history, target, weights, step.personal).loss).toBeLessThan(before);
    }
  });

  it('is δ − η ∂δ, with clicks like views and carts like purchases, and leaves its input alone', () => {
    const copy = start.slice();
    for (const [kind, weights] of [['click', [1, 0]], ['add_to_cart', [0, 1]]] as const) {
      const gradient = personalGradient(ranker, context, history, target, weights, start).personal;
      const step = adaptationStep(ranker, context, history, target, kind, start, plain);
      step.personal.forEach((value, o) => expect(value).toBeCloseTo(start[o]! - 0.05 * gradient[o]!, 6));
    }
    expect(start).toEqual(copy);
  });

  it('starts from a zero offset and from an empty history (a new shopper)', () => {
    const step = adaptationStep(ranker, context, [], 3, 'view', new Float32Array(ranker.dims), plain);
    expect(step.stepped).toBe(true);
    expect(norm(step.personal)).toBeGreaterThan(0);
  });

  it('weight decay pulls δ toward zero by η · l2 · δ', () => {
    const large = start.map((v) => v * 100);
    const free = adaptationStep(ranker, context, history, target, 'view', large, plain).personal;
    const decayed = adaptationStep(ranker, context, history, target, 'view', large, { ...plain, l2: 10 }).personal;
    decayed.forEach((value, o) => expect(value).toBeCloseTo(free[o]! - 0.05 * 10 * large[o]!, 3));
    expect(norm(decayed)).toBeLessThan(0.6 * norm(large));
    expect(norm(free)).toBeGreaterThan(0.9 * norm(large));
  });

  it('clips δ to maxNorm without turning it', () => {
    const free = adaptationStep(ranker, context, history, target, 'view', start, { ...plain, learningRate: 50 }).personal;
    expect(norm(free)).toBeGreaterThan(1);
    const clipped = adaptationStep(ranker, context, history, target, 'view', start, { ...plain, learningRate: 50, maxNorm: 1 }).personal;
    expect(norm(clipped)).toBeCloseTo(1, 5);
    clipped.forEach((value, o) => expect(value).toBeCloseTo(free[o]! / norm(free), 5));
    // Inside the ball nothing changes.
    expect(adaptationStep(ranker, context, history, target, 'view', start, { ...plain, maxNorm: 1e6 }).personal)
      .toEqual(adaptationStep(ranker, context, history, target, 'view', start, plain).personal);
  });

  it('leaves δ unchanged, and says so, when the gradient is not finite', () => {
    // Finite but huge: Pᵀu overflows float32, the scores and so the gradient become NaN.
    const huge = new Float32Array(ranker.dims).fill(3e38);
    expect(personalGradient(ranker, context, history, target, [1, 0], huge).personal.some((g) => !Number.isFinite(g))).toBe(true);
    const step = adaptationStep(ranker, context, history, target, 'view', huge, plain);
    expect(step.stepped).toBe(false);
    expect(step.personal).toEqual(huge);
    expect(step.personal).not.toBe(huge);
    expect(step.personal.every(Number.isFinite)).toBe(true);
  });

  it('rejects a wrong-width or non-finite δ, unknown rows or kinds and bad settings', () => {
    const step = (overrides: Partial<{ history: number[]; target: number; kind: string; personal: Float32Array; settings: AdaptationSettings }>) => () =>
      adaptationStep(ranker, context, overrides.history ?? history, overrides.target ?? target, (overrides.kind ?? 'view') as 'view',
        overrides.personal ?? start, overrides.settings ?? plain);
    expect(step({ personal: new Float32Array(3) })).toThrow(/personal offset has 3 dims, expected 8/);
    expect(step({ personal: start.map((v, o) => (o === 2 ? NaN : v)) })).toThrow(/non-finite/);
    expect(step({ target: matrix.rows })).toThrow(/target row 40 is not in the catalogue/);
    expect(step({ history: [1, -1] })).toThrow(/history row -1 is not in the catalogue/);
    expect(step({ kind: 'search' })).toThrow(/unknown event kind "search"/);
    expect(step({ kind: 'toString' })).toThrow(/unknown event kind/);
    expect(step({ settings: { ...plain, learningRate: 0 } })).toThrow(/learningRate/);
    expect(step({ settings: { ...plain, learningRate: NaN } })).toThrow(/learningRate/);
    expect(step({ settings: { ...plain, l2: -1 } })).toThrow(/l2/);
    expect(step({ settings: { ...plain, learningRate: 0.5, l2: 2 } })).toThrow(/below 1/);
    expect(step({ settings: { ...plain, maxNorm: 0 } })).toThrow(/maxNorm/);
  });

  it('ships defaults that pass its own checks', () => {
    expect(checkAdaptationSettings(DEFAULT_ADAPTATION)).toBe(DEFAULT_ADAPTATION);
  });
});

describe('replayEvents', () => {
  const events: AdaptationEvent[] = [
    { kind: 'view', row: 4 },
    { kind: 'view', row: 9 },
    { kind: 'add_to_cart', row: 9 },
    { kind: 'click', row: 17 },
    { kind: 'purchase', row: 2 },
  ];
  const settings: AdaptationSettings = { learningRate: 0.2, l2: 0.5, maxNorm: 0.8 };

  it('equals stepping through the events by hand, each with the events before it as history', () => {
    let personal: Float32Array = new Float32Array(ranker.dims);
    events.forEach((event, i) => {
      personal = adaptationStep(ranker, context, events.slice(0, i).map((e) => e.row), event.row, event.kind, personal, settings).personal;
    });
    expect(replayEvents(ranker, context, events, settings)).toEqual(personal);
    expect(norm(personal)).toBeGreaterThan(0);
  });

  it('continues from a given δ, without changing it, and returns a copy for no events', () => {
    const copy = start.slice();
    const from = replayEvents(ranker, context, events.slice(0, 2), settings, start);
    const byHand = adaptationStep(ranker, context, [4], 9, 'view', adaptationStep(ranker, context, [], 4, 'view', start, settings).personal, settings).personal;
    expect(from).toEqual(byHand);
    expect(start).toEqual(copy);
    const none = replayEvents(ranker, context, [], settings, start);
    expect(none).toEqual(start);
    expect(none).not.toBe(start);
    expect(() => replayEvents(ranker, context, events, settings, new Float32Array(2))).toThrow(/2 dims/);
  });
});
