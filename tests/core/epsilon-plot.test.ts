import { describe, expect, it } from 'vitest';
import { layoutEpsilonPlot, linearScale, niceTicks } from '../../src/core/epsilon-plot.ts';
import type { EpsilonPoint } from '../../src/core/epsilon-series.ts';

const box = { width: 600, height: 300, margin: { top: 10, right: 20, bottom: 40, left: 50 } };
const point = (roundId: string, at: number, epsilon: number): EpsilonPoint => ({ roundId, at, epsilon, rounds: 1, state: 'completed' });

describe('linearScale', () => {
  it('maps the domain onto the range, reversed ranges included', () => {
    const y = linearScale(0, 10, 200, 0);
    expect([y(0), y(5), y(10)]).toEqual([200, 100, 0]);
    expect(linearScale(5, 5, 0, 100)(5)).toBe(50);
  });
});

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 times a power of ten, inside the range', () => {
    expect(niceTicks(0, 8.8, 5)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(0, 0.33, 3)).toEqual([0, 0.2]);
    expect(niceTicks(3, 47, 5)).toEqual([10, 20, 30, 40]);
    expect(niceTicks(2, 2, 5)).toEqual([2]);
  });

  it('refuses what is not a range', () => {
    expect(() => niceTicks(1, 0, 5)).toThrow(/not a range/);
    expect(() => niceTicks(0, Number.NaN, 5)).toThrow(/not a range/);
    expect(() => niceTicks(0, 1, 0)).toThrow(/count/);
  });
});

describe('layoutEpsilonPlot', () => {
  it('places one point per round, later rounds further right and higher ε higher up, under the budget line', () => {
    const layout = layoutEpsilonPlot([point('a', 1000, 1), point('b', 2000, 2), point('c', 4000, 3)], 8, box);
    expect(layout.area).toEqual({ left: 50, right: 580, top: 10, bottom: 260 });
    const [a, b, c] = layout.points;
    expect(a!.x).toBeLessThan(b!.x);
    expect(b!.x).toBeLessThan(c!.x);
    expect(a!.y).toBeGreaterThan(b!.y);
    // x follows time, not the round count: b is a third of the way from a to c.
    expect((b!.x - a!.x) / (c!.x - a!.x)).toBeCloseTo(1 / 3, 9);
    for (const p of layout.points) {
      expect(p.x).toBeGreaterThan(layout.area.left);
      expect(p.x).toBeLessThan(layout.area.right);
      expect(p.y).toBeGreaterThan(layout.budgetY);
    }
    // ε 0 is the bottom; the axis reaches above the budget (8 · 1.1).
    expect(layout.yTicks[0]).toEqual({ value: 0, at: 260 });
    expect(layout.yTicks.map((t) => t.value)).toEqual([0, 2, 4, 6, 8]);
    expect(layout.budgetY).toBeCloseTo(260 - (8 / 8.8) * 250, 9);
    expect(layout.xTicks.map((t) => t.value)).toEqual([1000, 2500, 4000]);
  });

  it('draws the budget line with no rounds yet, and a lone round in the middle', () => {
    const empty = layoutEpsilonPlot([], 4, box);
    expect([empty.points, empty.xTicks]).toEqual([[], []]);
    expect(empty.budgetY).toBeGreaterThan(empty.area.top);
    const lone = layoutEpsilonPlot([point('a', 5000, 1)], 4, box);
    expect(lone.points[0]!.x).toBe(315);
    expect(lone.xTicks).toEqual([{ value: 5000, at: 315 }]);
  });

  it('keeps a point past a lowered budget inside the plot, and refuses a budget that is not positive', () => {
    const layout = layoutEpsilonPlot([point('a', 1, 10)], 4, box);
    expect(layout.points[0]!.y).toBeGreaterThan(layout.area.top);
    expect(layout.points[0]!.y).toBeLessThan(layout.budgetY);
    expect(() => layoutEpsilonPlot([], 0, box)).toThrow(/budget must be positive/);
  });
});
