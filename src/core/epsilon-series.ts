/**
 * A merchant's ε spent over time, for the dashboard's plot: the cumulative ε after each of its
 * rounds that was not aborted, oldest first. An aborted round revealed no sum and spent nothing.
 *
 * The ε stored with each round (`spend.cumulativeEpsilon`) is what the ledger held when it
 * opened, and counts rounds still open then that aborted later. The series is recomposed in
 * the same RDP ledger the server keeps (privacy-budget.ts over dp-accountant.ts), so its last
 * point is the merchant's ε now, the figure GET /v1/privacy reports.
 */
import { afterRound, emptyLedger, ledgerEpsilon } from './dp-accountant.ts';

/** What the series needs of a round (GET /v1/rounds gives each round these fields). */
export interface RoundSpendInput {
  roundId: string;
  state: 'open' | 'completed' | 'aborted';
  openedAt: number;
  privacy: { sampleRate: number; noiseMultiplier: number } | null;
}

export interface EpsilonPoint {
  roundId: string;
  /** When the round opened (ms since the epoch): it counts from then on, open or completed. */
  at: number;
  /** Cumulative ε at the merchant's δ after this round. */
  epsilon: number;
  /** Rounds composed so far, this one included. */
  rounds: number;
  state: 'open' | 'completed';
}

/** The cumulative ε after each round that was not aborted, in the order the rounds opened. */
export function epsilonSeries(rounds: readonly RoundSpendInput[], delta: number): EpsilonPoint[] {
  const counted = rounds.filter((r) => r.state !== 'aborted').sort((a, b) => a.openedAt - b.openedAt || a.roundId.localeCompare(b.roundId));
  let ledger = emptyLedger(delta);
  return counted.map((round) => {
    if (!round.privacy) throw new Error(`round ${round.roundId} has no privacy settings: its ε cannot be composed`);
    ledger = afterRound(ledger, round.privacy.sampleRate, round.privacy.noiseMultiplier);
    return { roundId: round.roundId, at: round.openedAt, epsilon: ledgerEpsilon(ledger), rounds: ledger.rounds, state: round.state as 'open' | 'completed' };
  });
}
