/**
 * Round lifecycle events as structured log entries (one `event` field to filter on), so an
 * operator can follow rounds in the JSON log without the round database. They carry counts
 * and ids of rounds and merchants, never anything about a shopper.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { PrivacySpend } from './privacy-budget.ts';
import type { RoundSummary } from './round-coordinator.ts';

export function logRoundOpened(log: FastifyBaseLogger, round: { roundId: string; merchant: string; length: number } & PrivacySpend): void {
  log.info({ event: 'round-opened', ...round }, 'round opened');
}

export function logRoundAdvanced(log: FastifyBaseLogger, summary: RoundSummary): void {
  const roundId = summary.id;
  if (summary.phase === 'finished') log.info({ event: 'round-completed', roundId, survivors: summary.result?.survivors.length ?? 0 }, 'round completed');
  else if (summary.phase === 'aborted') log.info({ event: 'round-aborted', roundId, reason: summary.abortReason }, 'round aborted');
  else log.info({ event: 'round-phase', roundId, phase: summary.phase }, `round entered ${summary.phase}`);
}
