import { describe, expect, it } from 'vitest';
import { formatEpsilon, formatMetric, formatPrivacyStanding, formatProgress, shortId } from '../../src/core/dashboard-format.ts';

describe('dashboard formatting', () => {
  it('writes ε to two decimals, small values to two significant digits', () => {
    expect(formatEpsilon(1.99051)).toBe('1.99');
    expect(formatEpsilon(0)).toBe('0.00');
    expect(formatEpsilon(0.0042)).toBe('0.0042');
    expect(formatEpsilon(12)).toBe('12.00');
    expect(formatEpsilon(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });

  it('writes metrics: whole numbers whole, fractions to 4 significant digits, anything else as JSON', () => {
    expect(formatMetric(20)).toBe('20');
    expect(formatMetric(0.0604512)).toBe('0.06045');
    expect(formatMetric(123.456)).toBe('123.5');
    expect(formatMetric(Number.NaN)).toBe('NaN');
    expect(formatMetric('cpu')).toBe('cpu');
    expect(formatMetric(false)).toBe('false');
    expect(formatMetric({ 'ndcg@10': 0.1 })).toBe('{"ndcg@10":0.1}');
    expect(formatMetric(undefined)).toBe('none');
  });

  it('shortens long ids and writes training progress in words', () => {
    expect(shortId('3f2a9c1e-0000-4000-8000-000000000000')).toBe('3f2a9c1e…');
    expect(shortId('r1')).toBe('r1');
    expect(formatProgress(null, null)).toBe('not started');
    expect(formatProgress(3, null)).toBe('step 3');
    expect(formatProgress(3, 10)).toBe('step 3 of 10 (30 %)');
  });

  it('says where the merchant stands against its budget', () => {
    expect(formatPrivacyStanding({ epsilon: 2.1569, rounds: 2 }, { epsilon: 8, delta: 1e-6 })).toBe('ε spent: 2.16 of a budget of 8 at δ 0.000001, over 2 rounds that were not aborted.');
    expect(formatPrivacyStanding({ epsilon: 0, rounds: 1 }, { epsilon: 4, delta: 1e-5 })).toBe('ε spent: 0.00 of a budget of 4 at δ 0.00001, over 1 round that was not aborted.');
  });
});
