import { describe, expect, it } from 'vitest';
import { eligibility, MIN_IDLE_MS, MIN_NEW_EVENTS, sampledIn, type EligibilityInput } from '../../src/core/federated-eligibility.ts';

const ready: EligibilityInput = { mode: 'contribute', newEvents: MIN_NEW_EVENTS, idleMs: MIN_IDLE_MS, decided: false };

describe('federated eligibility', () => {
  it('lets a consenting, idle device with enough new events join', () => {
    expect(eligibility(ready)).toEqual({ eligible: true });
  });

  it.each([
    ['mode off', { mode: 'off' }, /mode "off"/],
    ['mode local', { mode: 'local' }, /mode "local"/],
    ['too few new events', { newEvents: MIN_NEW_EVENTS - 1 }, /fewer than/],
    ['the shopper is active', { idleMs: MIN_IDLE_MS - 1 }, /using the page/],
    ['already decided this round', { decided: true }, /one chance/],
  ] as const)('refuses when %s', (_, change, reason) => {
    const answer = eligibility({ ...ready, ...change });
    expect(answer.eligible).toBe(false);
    expect(answer.eligible === false && answer.reason).toMatch(reason);
  });

  it('samples with the round\'s rate from 53 random bits', () => {
    expect(sampledIn(1, Uint32Array.of(0xffffffff, 0xffffffff))).toBe(true);
    expect(sampledIn(0.5, Uint32Array.of(0x7fffffff, 0xffffffff))).toBe(true);
    expect(sampledIn(0.5, Uint32Array.of(0x80000000, 0))).toBe(false);
    expect(sampledIn(1e-9, Uint32Array.of(0, 0))).toBe(true);
  });

  it('joins about a q share of rounds over many cryptographic draws', () => {
    const q = 0.2;
    const draws = 20_000;
    let joined = 0;
    for (let i = 0; i < draws; i++) if (sampledIn(q, crypto.getRandomValues(new Uint32Array(2)))) joined++;
    // Binomial(20000, 0.2): σ ≈ 57; ±6σ fails with probability ~1e-9.
    expect(Math.abs(joined - q * draws)).toBeLessThan(6 * Math.sqrt(draws * q * (1 - q)));
  });

  it('refuses a sampling rate outside (0, 1] or a short draw', () => {
    expect(() => sampledIn(0, new Uint32Array(2))).toThrow(/sampleRate/);
    expect(() => sampledIn(1.5, new Uint32Array(2))).toThrow(/sampleRate/);
    expect(() => sampledIn(0.5, new Uint32Array(1))).toThrow(/two random/);
  });
});
