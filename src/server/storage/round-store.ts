/**
 * What the server keeps of federated rounds, behind one interface so that the embedded SQLite
 * store (sqlite-round-store.ts) and a PostgreSQL one for larger deployments pass the same tests.
 *
 * A round is kept as its opening record plus an append-only log of every message the server
 * accepted for it (key advertisements, sealed shares, masked inputs, unmasking responses) and
 * every phase it closed. The SecAgg+ server is a deterministic function of that log, so after a
 * crash (even `kill -9`) replaying it rebuilds the round exactly: nothing accepted is lost, and
 * nothing is acknowledged before it is on disk. Methods are async even where SQLite is not, so
 * a networked database fits the same interface.
 */

export type RoundState = 'open' | 'completed' | 'aborted';

export interface RoundRecord {
  id: string;
  merchant: string;
  /** The model version whose shared parameters the round updates. */
  modelVersion: string;
  /** The round's parameters as announced (cohort, deadline, clip norm, noise, fixed-point scale, SecAgg tolerance). */
  config: unknown;
  state: RoundState;
  /** Milliseconds since the epoch. */
  openedAt: number;
  closedAt: number | null;
  /** What the round produced (completed) or why it stopped (aborted). */
  outcome: unknown;
}

export interface RoundEvent {
  /** 1, 2, … in the order the server accepted them. */
  seq: number;
  /** The protocol step, e.g. "advertise", "masked-input", "close-sharing". */
  kind: string;
  /** The sending client's index in the round; null for the server's own phase changes. */
  client: number | null;
  payload: Uint8Array;
  at: number;
}

/** A client sent a second message of the same kind in a round: the first one stands. */
export class DuplicateRoundEventError extends Error {
  override name = 'DuplicateRoundEventError';
}

/** The round is unknown, or already completed or aborted. */
export class RoundNotOpenError extends Error {
  override name = 'RoundNotOpenError';
}

export interface RoundStore {
  createRound(round: Omit<RoundRecord, 'state' | 'closedAt' | 'outcome'>): Promise<void>;
  round(id: string): Promise<RoundRecord | null>;
  /** Newest first. */
  rounds(filter?: { merchant?: string; state?: RoundState }): Promise<RoundRecord[]>;
  /**
   * Appends one accepted message durably and returns its seq. Throws RoundNotOpenError for a
   * round that is not open, and DuplicateRoundEventError when `client` already sent a message
   * of this kind in this round (a replay), leaving the log as it was.
   */
  appendEvent(roundId: string, event: Omit<RoundEvent, 'seq'>): Promise<number>;
  /** The round's log, in seq order. */
  events(roundId: string): Promise<RoundEvent[]>;
  /** Completes or aborts an open round, once. */
  closeRound(id: string, state: Exclude<RoundState, 'open'>, outcome: unknown, at: number): Promise<void>;
  close(): Promise<void>;
}
