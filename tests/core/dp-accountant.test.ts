import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  afterRound,
  canOpenRound,
  computeRdp,
  DEFAULT_ORDERS,
  emptyLedger,
  epsilonFromRdp,
  ledgerEpsilon,
  logErfc,
  noiseForBudget,
  rdpOfRound,
} from '../../src/core/dp-accountant.ts';

interface Golden {
  default_orders: number[];
  rdp_cases: { q: number; z: number; rounds: number; orders: number[]; rdp: number[]; epsilon: Record<string, [number, number]> }[];
  budget_cases: { q: number; rounds: number; epsilon: number; delta: number; z: number }[];
}

const golden = JSON.parse(readFileSync(new URL('../golden/dp-accountant.json', import.meta.url), 'utf8')) as Golden;
const RELATIVE = 1e-9;

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(RELATIVE * Math.abs(expected));
}

describe('dp accountant against the trainer (tests/golden/dp-accountant.json)', () => {
  it('uses the same default orders', () => {
    expect(DEFAULT_ORDERS.length).toBe(golden.default_orders.length);
    DEFAULT_ORDERS.forEach((a, k) => expectClose(a, golden.default_orders[k]!));
  });

  it.each(golden.rdp_cases.map((c) => [`q ${c.q} z ${c.z} × ${c.rounds}`, c] as const))('RDP and ε for %s', (_, c) => {
    computeRdp(c.q, c.z, c.rounds, c.orders).forEach((r, k) => expectClose(r, c.rdp[k]!));
    const full = computeRdp(c.q, c.z, c.rounds);
    for (const [delta, [epsilon, order]] of Object.entries(c.epsilon)) {
      const spent = epsilonFromRdp(DEFAULT_ORDERS, full, Number(delta));
      expectClose(spent.epsilon, epsilon);
      expect(spent.order).toBe(order);
    }
  });

  it.each(golden.budget_cases.map((c) => [`ε ${c.epsilon} q ${c.q} × ${c.rounds}`, c] as const))('noise for the budget %s', (_, c) => {
    expectClose(noiseForBudget(c.q, c.rounds, c.epsilon, c.delta), c.z);
  });
});

describe('dp accountant maths', () => {
  it('q = 1 is the Gaussian mechanism, α / (2 z²)', () => {
    expect(rdpOfRound(1, 2, 3)).toBe(3 / 8);
    expect(rdpOfRound(1, 2, 2.5)).toBe(2.5 / 8);
  });

  it('log erfc is continuous across its pieces and right in the tails', () => {
    for (const x of [-2, 2]) expect(logErfc(x - 1e-12)).toBeCloseTo(logErfc(x + 1e-12), 10);
    expect(logErfc(0)).toBeCloseTo(0, 15);
    expect(Math.exp(logErfc(1))).toBeCloseTo(0.157299207050285, 14);
    expect(logErfc(-30)).toBeCloseTo(Math.log(2), 14);
    // erfc(30) ≈ 2.5646562037561116e-393, below the smallest double: only its log exists.
    expect(logErfc(30)).toBeCloseTo(Math.log(2.5646562037561116) - 393 * Math.log(10), 10);
  });

  it('a ledger adds rounds and refuses the one that would pass the budget', () => {
    let ledger = emptyLedger(1e-6);
    expect(ledgerEpsilon(ledger)).toBe(0);
    const z = noiseForBudget(0.05, 3, 2, 1e-6);
    for (let round = 0; round < 3; round++) {
      expect(canOpenRound(ledger, 0.05, z, 2)).toBe(true);
      ledger = afterRound(ledger, 0.05, z);
    }
    expect(ledgerEpsilon(ledger)).toBeLessThanOrEqual(2);
    expect(ledgerEpsilon(ledger)).toBeGreaterThan(1.99);
    expect(canOpenRound(ledger, 0.05, z, 2)).toBe(false);
  });

  it('rejects bad input with a clear error', () => {
    expect(() => rdpOfRound(1.5, 1, 2)).toThrow(/sampling rate q must be in \[0, 1\], got 1.5/);
    expect(() => rdpOfRound(0.1, -1, 2)).toThrow(/noise multiplier z must be finite and ≥ 0/);
    expect(() => rdpOfRound(0.1, 1, 1)).toThrow(/orders must be finite and > 1/);
    expect(() => computeRdp(0.1, 1, 2.5)).toThrow(/rounds must be a non-negative integer/);
    expect(() => epsilonFromRdp([2, 3], [0.1], 1e-5)).toThrow(/2 orders but 1 RDP values/);
    expect(() => epsilonFromRdp([2], [0.1], 0)).toThrow(/delta must be in \(0, 1\)/);
    expect(() => epsilonFromRdp([2], [-0.1], 1e-5)).toThrow(/RDP values must be ≥ 0/);
    expect(() => noiseForBudget(0.1, 10, 0, 1e-5)).toThrow(/epsilon must be finite and > 0/);
    expect(() => noiseForBudget(0, 10, 1, 1e-5)).toThrow(/sampling rate q must be in \(0, 1\]/);
    expect(() => noiseForBudget(0.1, 0, 1, 1e-5)).toThrow(/rounds must be an integer ≥ 1/);
  });
});
