import { describe, expect, it } from 'vitest';
import { afterRound, emptyLedger, ledgerEpsilon } from '../../src/core/dp-accountant.ts';
import { checkRoundPrivacy, merchantLedger, PrivacyBudgetError, releasedGuarantee, spendFor } from '../../src/server/privacy-budget.ts';
import { SqliteRoundStore } from '../../src/server/storage/sqlite-round-store.ts';

const privacy = { sampleRate: 0.1, noiseMultiplier: 1.5, clipNorm: 1 };
const budget = { epsilon: 3, delta: 1e-6 };

describe('privacy budget', () => {
  it('composes the merchant\'s rounds that were not aborted, and only its own', async () => {
    const store = new SqliteRoundStore(':memory:');
    const open = (id: string, merchant: string) => store.createRound({ id, merchant, modelVersion: 'v1', config: { privacy }, openedAt: 1 });
    await open('a', 'm1');
    await open('b', 'm1');
    await open('c', 'm1');
    await open('x', 'm2');
    await store.closeRound('a', 'completed', {}, 2);
    await store.closeRound('b', 'aborted', {}, 2);
    const ledger = await merchantLedger(store, 'm1', budget.delta);
    expect(ledger.rounds).toBe(2);
    const expected = afterRound(afterRound(emptyLedger(budget.delta), 0.1, 1.5), 0.1, 1.5);
    expect(ledgerEpsilon(ledger)).toBeCloseTo(ledgerEpsilon(expected), 12);
    const spend = await spendFor(store, 'm1', privacy, budget);
    expect(spend.rounds).toBe(3);
    expect(spend.cumulativeEpsilon).toBeCloseTo(ledgerEpsilon(afterRound(expected, 0.1, 1.5)), 12);
    expect(spend.roundEpsilon).toBeLessThan(spend.cumulativeEpsilon);
    await expect(spendFor(store, 'm1', privacy, { ...budget, epsilon: spend.cumulativeEpsilon - 1e-6 })).rejects.toThrow(PrivacyBudgetError);
    await store.close();
  });

  it('states for a published model only what was released: the merchant\'s completed rounds up to that one', async () => {
    const store = new SqliteRoundStore(':memory:');
    const open = (id: string, merchant: string, at: number) => store.createRound({ id, merchant, modelVersion: 'v1', config: { privacy }, openedAt: at });
    for (const [id, merchant, at] of [['a', 'm1', 1], ['b', 'm1', 2], ['c', 'm1', 3], ['d', 'm1', 4], ['x', 'm2', 1]] as const) await open(id, merchant, at);
    await store.closeRound('a', 'completed', {}, 10);
    await store.closeRound('b', 'aborted', {}, 11);
    await store.closeRound('c', 'completed', {}, 12);
    await store.closeRound('x', 'completed', {}, 5);
    // d is still open: it counts against the budget, but has released nothing.
    const rounds = await store.rounds();
    const one = ledgerEpsilon(afterRound(emptyLedger(budget.delta), 0.1, 1.5));
    const two = ledgerEpsilon(afterRound(afterRound(emptyLedger(budget.delta), 0.1, 1.5), 0.1, 1.5));
    const at = (id: string) => rounds.find((r) => r.id === id)!;
    expect(releasedGuarantee(rounds, at('a'), budget.delta)).toEqual({ epsilon: one, delta: budget.delta, rounds: 1 });
    expect(releasedGuarantee(rounds, at('c'), budget.delta)).toEqual({ epsilon: two, delta: budget.delta, rounds: 2 });
    expect((await merchantLedger(store, 'm1', budget.delta)).rounds).toBe(3);
    await store.close();
  });

  it('names the setting that is wrong', () => {
    expect(checkRoundPrivacy(privacy)).toEqual(privacy);
    expect(() => checkRoundPrivacy({ ...privacy, sampleRate: 0 })).toThrow(/sampleRate must be a fraction in \(0, 1\]/);
    expect(() => checkRoundPrivacy({ ...privacy, sampleRate: 1.5 })).toThrow(/sampleRate/);
    expect(() => checkRoundPrivacy({ ...privacy, noiseMultiplier: 0 })).toThrow(/noiseMultiplier must be a positive number/);
    expect(() => checkRoundPrivacy({ ...privacy, clipNorm: Infinity })).toThrow(/clipNorm must be a positive number/);
    expect(() => checkRoundPrivacy(undefined)).toThrow(/sampleRate/);
  });
});
