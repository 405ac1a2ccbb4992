import { describe, expect, it } from 'vitest';
import type { Product } from '../../src/core/catalog.ts';
import { checkObjective, DEFAULT_OBJECTIVE, expectedValue, revenueScale, softmaxOver } from '../../src/core/objective.ts';

const product = (price: number): Product => ({ id: `p${price}`, title: 't', description: '', category: ['C'], brand: '', price, in_stock: true, image: 'i', tags: [] });
// Positions best first (the tests use rows [0, 1, 2], so positions are rows).
const order = (values: Float64Array) => [...values.keys()].sort((a, b) => values[b]! - values[a]!);

describe('softmaxOver', () => {
  it('normalises over the given rows only and survives huge logits', () => {
    const p = softmaxOver([1000, 5, 1001, 1000], [0, 2, 3]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[1]! / p[0]!).toBeCloseTo(Math.E, 10);
    expect(Array.from(p).every(Number.isFinite)).toBe(true);
  });

  it('refuses non-finite logits by row', () => {
    expect(() => softmaxOver([0, Number.NaN], [0, 1])).toThrow(/row 1 is NaN/);
  });
});

describe('revenueScale', () => {
  it('is the median positive price, ignoring free items', () => {
    expect(revenueScale([10, 30, 20].map(product))).toBe(20);
    expect(revenueScale([10, 30, 0, 0, 0, 20, 40].map(product))).toBe(25);
    expect(revenueScale([0, 0].map(product))).toBe(1);
  });
});

describe('expectedValue', () => {
  const products = [10, 10, 10].map(product);
  // Row 0 is likely clicked, row 1 likely bought, row 2 neither.
  const model = { click: Float32Array.of(3, 0, -1), purchase: Float32Array.of(0, 3, -1) };
  const rows = [0, 1, 2];

  it('orders by the merchant weights when click and purchase disagree', () => {
    const clicks = expectedValue(model, rows, products, { click: 1, purchase: 0, revenue: 0 }, 10);
    const purchases = expectedValue(model, rows, products, { click: 0, purchase: 1, revenue: 0 }, 10);
    expect(order(clicks)).toEqual([0, 1, 2]);
    expect(order(purchases)).toEqual([1, 0, 2]);
    // The default weighs both outputs equally: rows 0 and 1 tie.
    const even = expectedValue(model, rows, products, DEFAULT_OBJECTIVE, 10);
    expect(even[0]).toBeCloseTo(even[1]!, 12);
  });

  it('with a revenue weight prefers the pricier of two equally likely purchases', () => {
    const priced = [10, 50].map(product);
    const same = { click: Float32Array.of(1, 1), purchase: Float32Array.of(2, 2) };
    const values = expectedValue(same, [0, 1], priced, { click: 0.5, purchase: 0.5, revenue: 1 }, revenueScale(priced));
    expect(values[1]).toBeGreaterThan(values[0]!);
    // A median-priced sale's revenue term equals its purchase term: p·(0.5 + 0.5 + 1·price/30).
    expect(values[0]).toBeCloseTo(0.5 * (0.5 + 0.5 + 10 / 30), 12);
  });

  it('computes probabilities over the candidates, so excluded rows take no mass', () => {
    const values = expectedValue(model, [1], products, DEFAULT_OBJECTIVE, 10);
    expect(values[0]).toBeCloseTo(1, 12);
  });

  it('rejects bad weights and mismatched score lengths clearly', () => {
    expect(() => checkObjective({ click: -1, purchase: 1, revenue: 0 })).toThrow(/"click" must be a non-negative number, got -1/);
    expect(() => checkObjective({ click: 1, purchase: Number.NaN, revenue: 0 })).toThrow(/"purchase"/);
    expect(() => checkObjective({ click: 0, purchase: 0, revenue: 0 })).toThrow(/at least one weight must be positive/);
    expect(() => expectedValue({ click: new Float32Array(2), purchase: new Float32Array(3) }, rows, products, DEFAULT_OBJECTIVE, 10)).toThrow(/click scores have 2 rows, the catalogue has 3/);
    expect(() => expectedValue(model, rows, products, DEFAULT_OBJECTIVE, 0)).toThrow(/revenue scale must be positive/);
  });
});
