import { describe, expect, it } from 'vitest';
import { secaggGraph } from '../../src/core/secagg-graph.ts';
import { secaggParameters } from '../../src/core/secagg-parameters.ts';
import { seededBytes } from '../support/seeded-bytes.ts';

describe('SecAgg+ parameters (degree k, threshold t)', () => {
  // The same conditions evaluated independently with Python's exact integer binomials
  // (math.comb over fractions), not with this module's log-factorials.
  it.each([
    [10, 0, 0, 2, 2],
    [10, 0.1, 0.05, 4, 3],
    [10, 0.3, 0.05, 6, 3],
    [100, 0, 0.05, 10, 6],
    [100, 0.1, 0, 12, 4],
    [100, 0.1, 0.05, 16, 7],
    [100, 0.3, 0, 24, 5],
    [100, 0.3, 0.05, 26, 7],
    [1000, 0, 0.05, 34, 18],
    [1000, 0.1, 0, 18, 6],
    [1000, 0.1, 0.05, 36, 19],
    [1000, 0.3, 0, 34, 7],
    [1000, 0.3, 0.05, 66, 23],
    [10000, 0.3, 0.05, 80, 29],
  ])('%i clients, dropout %f, collusion %f: k = %i, t = %i', (n, dropout, collusion, degree, threshold) => {
    expect(secaggParameters(n, { dropout, collusion })).toEqual({ degree, threshold });
  });

  it('uses the complete graph when a sparse one would not do, and a majority threshold at most', () => {
    expect(secaggParameters(4, { dropout: 0.3, collusion: 0 })).toEqual({ degree: 3, threshold: 2 });
    for (const n of [3, 7, 50, 500, 5000]) {
      const { degree, threshold } = secaggParameters(n, { dropout: 0.2, collusion: 0.02 });
      expect(threshold).toBeGreaterThanOrEqual(2);
      expect(threshold).toBeLessThanOrEqual(Math.floor(degree / 2) + 1);
    }
  });

  it('holds up in simulation: 300 of 1,000 drop out and 50 collude, 200 times over', () => {
    const n = 1000;
    const { degree, threshold } = secaggParameters(n, { dropout: 0.3, collusion: 0.05 });
    const graph = secaggGraph('monte-carlo', Array.from({ length: n }, (_, i) => i + 1), degree);
    const random = seededBytes('fates');
    let fewestSurvivors = Infinity;
    let mostColluders = 0;
    for (let trial = 0; trial < 200; trial++) {
      const order = Array.from({ length: n }, (_, i) => i + 1);
      const bytes = random(4 * n);
      const view = new DataView(bytes.buffer);
      for (let i = n - 1; i > 0; i--) {
        const j = view.getUint32(4 * i) % (i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const dropped = new Set(order.slice(0, 300));
      const colluding = new Set(order.slice(300, 350));
      for (const [, neighbours] of graph) {
        fewestSurvivors = Math.min(fewestSurvivors, neighbours.filter((v) => !dropped.has(v)).length);
        mostColluders = Math.max(mostColluders, neighbours.filter((v) => colluding.has(v)).length);
      }
      // Honest survivors form one component: the server learns only their total.
      const honest = order.slice(350);
      const seen = new Set([honest[0]!]);
      const queue = [honest[0]!];
      while (queue.length) for (const v of graph.get(queue.pop()!)!) if (!dropped.has(v) && !colluding.has(v) && !seen.has(v)) seen.add(v), queue.push(v);
      expect(seen.size).toBe(honest.length);
    }
    expect(fewestSurvivors).toBeGreaterThanOrEqual(threshold); // every round completes
    expect(mostColluders).toBeLessThan(threshold); // no secret falls to colluders
  });

  it('refuses cohorts and tolerances it cannot serve', () => {
    expect(() => secaggParameters(2, { dropout: 0, collusion: 0 })).toThrow('secagg: a cohort needs at least 3 clients, got 2');
    expect(() => secaggParameters(100, { dropout: 1, collusion: 0 })).toThrow('the tolerated dropout fraction must be in [0, 1), got 1');
    expect(() => secaggParameters(100, { dropout: 0.1, collusion: Number.NaN })).toThrow('collusion fraction must be in [0, 1)');
    expect(() => secaggParameters(10, { dropout: 0.8, collusion: 0 })).toThrow('secagg: 10 clients cannot tolerate 8 dropouts and 0 colluders');
  });
});
