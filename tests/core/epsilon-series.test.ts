import { describe, expect, it } from 'vitest';
import { afterRound, emptyLedger, epsilonAfter, ledgerEpsilon } from '../../src/core/dp-accountant.ts';
import { epsilonSeries, type RoundSpendInput } from '../../src/core/epsilon-series.ts';

const DELTA = 1e-6;
const privacy = { sampleRate: 0.05, noiseMultiplier: 1 };
const round = (roundId: string, openedAt: number, state: RoundSpendInput['state'] = 'completed', settings = privacy): RoundSpendInput => ({ roundId, state, openedAt, privacy: settings });

describe('epsilonSeries', () => {
  it('composes the rounds in the order they opened, whatever order they come in', () => {
    // GET /v1/rounds lists newest first.
    const series = epsilonSeries([round('c', 3000, 'open'), round('b', 2000), round('a', 1000)], DELTA);
    expect(series.map((p) => [p.roundId, p.at, p.rounds, p.state])).toEqual([['a', 1000, 1, 'completed'], ['b', 2000, 2, 'completed'], ['c', 3000, 3, 'open']]);
    series.forEach((p, i) => expect(p.epsilon).toBeCloseTo(epsilonAfter(0.05, 1, i + 1, DELTA), 12));
    // The values test/server/round-routes.test.ts pins for these settings.
    expect(series.map((p) => Number(p.epsilon.toFixed(2)))).toEqual([1.99, 2.16, 2.32]);
  });

  it('leaves aborted rounds out: they revealed nothing, so later rounds compose as if they had not been', () => {
    const series = epsilonSeries([round('a', 1000), round('x', 1500, 'aborted'), round('b', 2000)], DELTA);
    expect(series.map((p) => p.roundId)).toEqual(['a', 'b']);
    expect(series[1]!.epsilon).toBeCloseTo(epsilonAfter(0.05, 1, 2, DELTA), 12);
  });

  it('composes rounds with different settings, as the server ledger does', () => {
    const noisier = { sampleRate: 0.01, noiseMultiplier: 3 };
    const series = epsilonSeries([round('a', 1000), round('b', 2000, 'completed', noisier)], DELTA);
    const ledger = afterRound(afterRound(emptyLedger(DELTA), 0.05, 1), 0.01, 3);
    expect(series[1]!.epsilon).toBeCloseTo(ledgerEpsilon(ledger), 12);
    expect(series[1]!.epsilon).toBeGreaterThan(series[0]!.epsilon);
  });

  it('is empty with no counted rounds, and refuses a counted round without privacy settings', () => {
    expect(epsilonSeries([], DELTA)).toEqual([]);
    expect(epsilonSeries([round('x', 1, 'aborted')], DELTA)).toEqual([]);
    expect(() => epsilonSeries([{ roundId: 'r', state: 'completed', openedAt: 1, privacy: null }], DELTA)).toThrow(/round r has no privacy settings/);
  });
});
