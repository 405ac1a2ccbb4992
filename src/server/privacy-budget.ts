/**
 * A merchant's differential-privacy budget across federated rounds: every round that was not
 * aborted (an aborted round reveals no sum) composes into one RDP ledger
 * (src/core/dp-accountant.ts, pinned to the trainer's accountant), and a new round opens only if
 * the ledger after it still meets the budget. Rounds still open count already, so two rounds
 * cannot each take the last of the budget.
 */
import { afterRound, emptyLedger, ledgerEpsilon, type PrivacyLedger } from '../core/dp-accountant.ts';
import type { DpGuarantee } from '../core/manifest.ts';
import type { RoundRecord, RoundStore } from './storage/round-store.ts';

/** How a round's sum is privatised: Poisson sampling rate q, noise multiplier z (σ = z·C), clip norm C. */
export interface RoundPrivacy {
  sampleRate: number;
  noiseMultiplier: number;
  clipNorm: number;
}

export interface PrivacyBudget {
  epsilon: number;
  delta: number;
}

export interface PrivacySpend {
  /** ε of this round alone and of every counted round with it, at the budget's δ. */
  roundEpsilon: number;
  cumulativeEpsilon: number;
  rounds: number;
}

export class PrivacyBudgetError extends Error {
  override name = 'PrivacyBudgetError';
}

export function checkRoundPrivacy(value: unknown): RoundPrivacy {
  const privacy = (value ?? {}) as Record<string, unknown>;
  const { sampleRate, noiseMultiplier, clipNorm } = privacy;
  if (typeof sampleRate !== 'number' || !(sampleRate > 0 && sampleRate <= 1)) throw new Error('privacy.sampleRate must be a fraction in (0, 1]: the expected cohort over the eligible shoppers');
  if (typeof noiseMultiplier !== 'number' || !(noiseMultiplier > 0) || !Number.isFinite(noiseMultiplier)) throw new Error('privacy.noiseMultiplier must be a positive number (σ = z·C)');
  if (typeof clipNorm !== 'number' || !(clipNorm > 0) || !Number.isFinite(clipNorm)) throw new Error('privacy.clipNorm must be a positive number');
  return { sampleRate, noiseMultiplier, clipNorm };
}

/** The merchant's ledger over its rounds that were not aborted. */
export async function merchantLedger(store: RoundStore, merchant: string, delta: number): Promise<PrivacyLedger> {
  let ledger = emptyLedger(delta);
  for (const round of await store.rounds({ merchant })) {
    if (round.state === 'aborted') continue;
    const { privacy } = round.config as { privacy: RoundPrivacy };
    ledger = afterRound(ledger, privacy.sampleRate, privacy.noiseMultiplier);
  }
  return ledger;
}

/** What opening one more round would spend; throws PrivacyBudgetError if it passes the budget. */
export async function spendFor(store: RoundStore, merchant: string, privacy: RoundPrivacy, budget: PrivacyBudget): Promise<PrivacySpend> {
  const before = await merchantLedger(store, merchant, budget.delta);
  const after = afterRound(before, privacy.sampleRate, privacy.noiseMultiplier);
  const cumulativeEpsilon = ledgerEpsilon(after);
  if (cumulativeEpsilon > budget.epsilon) {
    throw new PrivacyBudgetError(`this round would bring merchant ${merchant}'s ε to ${cumulativeEpsilon.toFixed(3)} (δ ${budget.delta}), past its budget of ${budget.epsilon}: no round opens`);
  }
  return { roundEpsilon: ledgerEpsilon(afterRound(emptyLedger(budget.delta), privacy.sampleRate, privacy.noiseMultiplier)), cumulativeEpsilon, rounds: after.rounds };
}

/**
 * The guarantee of what a merchant's rounds have released once `round` completed: its completed
 * rounds that closed no later than it, composed in the RDP ledger. Open rounds have released
 * nothing yet and aborted ones no sum, so unlike the budget check (which counts open rounds,
 * conservatively, before they run) this is the (ε, δ) a published model actually carries.
 */
export function releasedGuarantee(rounds: readonly RoundRecord[], round: RoundRecord, delta: number): DpGuarantee {
  let ledger = emptyLedger(delta);
  for (const r of rounds) {
    if (r.merchant !== round.merchant || r.state !== 'completed' || r.closedAt === null || r.closedAt > round.closedAt!) continue;
    const { privacy } = r.config as { privacy?: RoundPrivacy };
    if (privacy) ledger = afterRound(ledger, privacy.sampleRate, privacy.noiseMultiplier);
  }
  return { epsilon: ledgerEpsilon(ledger), delta, rounds: ledger.rounds };
}
