import { describe, expect, it } from 'vitest';
import { secaggGraph, secaggNeighbours, type SecAggGraph } from '../../src/core/secagg-graph.ts';

const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);

function connectedWithout(graph: SecAggGraph, removed: ReadonlySet<number>): boolean {
  const alive = [...graph.keys()].filter((u) => !removed.has(u));
  const seen = new Set([alive[0]!]);
  const queue = [alive[0]!];
  while (queue.length) for (const v of graph.get(queue.pop()!)!) if (!removed.has(v) && !seen.has(v)) seen.add(v), queue.push(v);
  return seen.size === alive.length;
}

describe('the SecAgg+ communication graph', () => {
  it('is k-regular and symmetric, without self-loops', () => {
    const graph = secaggGraph('round-1', range(1000), 34);
    expect(graph.size).toBe(1000);
    const faults: string[] = [];
    for (const [u, neighbours] of graph) {
      if (new Set(neighbours).size !== 34) faults.push(`${u} has ${new Set(neighbours).size} distinct neighbours`);
      if (neighbours.includes(u)) faults.push(`${u} is its own neighbour`);
      for (const v of neighbours) if (!graph.get(v)!.includes(u)) faults.push(`${u} → ${v} but not back`);
    }
    expect(faults).toEqual([]);
  });

  it('is a Harary graph: k-connected, so removing any k − 1 clients leaves the rest connected', () => {
    const graph = secaggGraph('harary', range(12), 4);
    for (let a = 1; a <= 12; a++) for (let b = a + 1; b <= 12; b++) for (let c = b + 1; c <= 12; c++) {
      expect(connectedWithout(graph, new Set([a, b, c]))).toBe(true);
    }
  });

  it('gives one client its neighbours without building the rest, as secaggGraph has them', () => {
    const participants = range(300, 5);
    const graph = secaggGraph('one', participants, 12);
    for (const u of [5, 77, 304]) expect(secaggNeighbours('one', participants, 12, u)).toEqual(graph.get(u));
    expect(() => secaggNeighbours('one', participants, 12, 4)).toThrow('secagg graph: client 4 is not a participant');
  });

  it('is a function of the round id and the set of participants, not of their order', () => {
    const participants = [7, 3, 42, 19, 8, 100, 64, 5, 11, 2];
    const graph = secaggGraph('round-9', participants, 4);
    expect(secaggGraph('round-9', [...participants].reverse(), 4)).toEqual(graph);
    expect(secaggGraph('round-10', participants, 4)).not.toEqual(graph);
    expect([...graph.keys()].sort((a, b) => a - b)).toEqual([...participants].sort((a, b) => a - b));
  });

  it('shuffles evenly: over many rounds two clients are neighbours k/(n − 1) of the time', () => {
    let together = 0;
    const rounds = 4000;
    for (let r = 0; r < rounds; r++) if (secaggGraph(`r${r}`, range(10), 4).get(1)!.includes(2)) together++;
    // 4/9 ≈ 0.444; the standard deviation over 4,000 rounds is 0.008.
    expect(Math.abs(together / rounds - 4 / 9)).toBeLessThan(0.04);
  });

  it('is complete at k = n − 1, odd or even', () => {
    for (const n of [5, 6]) {
      const graph = secaggGraph('c', range(n), n - 1);
      for (const [u, neighbours] of graph) expect(neighbours).toEqual(range(n).filter((v) => v !== u));
    }
  });

  it('refuses a degree it cannot build and malformed cohorts', () => {
    expect(() => secaggGraph('r', range(10), 5)).toThrow('secagg graph: degree 5 must be even and below 9, or 9 (complete)');
    expect(() => secaggGraph('r', range(10), 10)).toThrow('degree 10 must be even');
    expect(() => secaggGraph('r', range(10), 0)).toThrow('degree 0 must be even');
    expect(() => secaggGraph('r', [1, 2], 1)).toThrow('a cohort needs at least 3 clients, got 2');
    expect(() => secaggGraph('r', [1, 2, 2, 3], 2)).toThrow('client 2 appears twice');
    expect(() => secaggGraph('r', [0, 1, 2], 2)).toThrow('client index 0 must be a positive integer');
  });
});
