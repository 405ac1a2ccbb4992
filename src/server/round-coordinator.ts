/**
 * Keeps SecAgg+ rounds (secagg-server.ts, in memory) and their durable logs (a RoundStore) in
 * step, so that a server restarted after any crash carries on every open round where it was.
 *
 * Every client message is checked by the round's state machine first (a refused message
 * changes nothing and is never logged), then appended to the log as the bytes the client
 * sent, and only then acknowledged. Phase changes are logged the same way. The state machine
 * is deterministic in its log (the graph is seeded by the round id), so `restore` replays each
 * open round's log into a fresh one and rebuilds exactly the state that was acknowledged. If an
 * append fails after the state machine took the message, the round is rebuilt from the log,
 * which drops the unlogged message: memory never holds more than the disk.
 *
 * The HTTP routes, deadlines and merchant checks sit above this; the noise and the server
 * optimizer apply to the sum it returns.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PrivacyLedger } from '../core/dp-accountant.ts';
import { readTask, type FederatedModel, type RoundPlan, type ServerOptimizer } from '../core/round-plan.ts';
import { type RoundConfig, type Roster, type ShareInbox, type UnmaskRequest } from '../core/secagg-protocol.ts';
import { decodeClientMessage, encodeWords, type ClientMessageKind, type TaggedReply } from '../core/secagg-wire.ts';
import { merchantLedger, spendFor, type PrivacyBudget, type PrivacySpend, type RoundPrivacy } from './privacy-budget.ts';
import { SecAggServer, type Phase, type RoundResult } from './secagg-server.ts';
import type { RoundRecord, RoundStore } from './storage/round-store.ts';

/** The server's own steps, logged with no client. */
type PhaseChange = 'close-advertising' | 'close-sharing' | 'close-masking' | 'finish';

/** What a client may fetch once its phase closed. */
interface Replies {
  rosters?: Map<number, Roster>;
  inboxes?: Map<number, ShareInbox>;
  requests?: Map<number, UnmaskRequest>;
  result?: RoundResult;
}

interface LiveRound {
  merchant: string;
  modelVersion: string;
  /** Null for rounds logged before plans existed. */
  plan: RoundPlan | null;
  privacy: RoundPrivacy | null;
  server: SecAggServer;
  /** When the current phase began (epoch ms): the scheduler's deadlines count from it. */
  phaseSince: number;
  replies: Replies;
  /** SHA-256 of each checked-in client's token, by its index: only the token's holder may speak for that index. */
  tokens: Map<number, Buffer>;
}

/** A client that checked in: its index in the round and the bearer token its messages must carry. */
export interface CheckIn {
  index: number;
  token: string;
}

/** A message carried no token, or not the token of the index it speaks for. */
export class UnauthenticatedError extends Error {
  override name = 'UnauthenticatedError';
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest();

/** An open round as the scheduler and the discovery route see it. */
export interface OpenRound {
  id: string;
  merchant: string;
  modelVersion: string;
  phase: Phase;
  phaseSince: number;
  plan: RoundPlan | null;
  privacy: RoundPrivacy | null;
  config: RoundConfig;
  checkedIn: number;
}

/** One of a merchant's rounds as its dashboard shows it. */
export interface RoundHistoryEntry {
  roundId: string;
  state: 'open' | 'completed' | 'aborted';
  /** The protocol phase of an open round. */
  phase: Phase | null;
  openedAt: number;
  closedAt: number | null;
  /** Clients checked in so far (open rounds) and clients whose input is in the sum (completed ones). */
  checkedIn: number | null;
  survivors: number | null;
  abortReason: string | null;
  catalog: string | null;
  /** Which of the catalogue's models the round trains, and the server's step (null for a bare sum). */
  model: FederatedModel | null;
  optimizer: ServerOptimizer | null;
  privacy: RoundPrivacy | null;
  spend: PrivacySpend | null;
}

export interface RoundSummary {
  id: string;
  phase: Phase;
  abortReason: string;
  result?: RoundResult;
}

const EMPTY = new Uint8Array(0);

export class RoundCoordinator {
  readonly #store: RoundStore;
  readonly #now: () => number;
  readonly #rounds = new Map<string, LiveRound>();
  #opening: Promise<unknown> = Promise.resolve();

  private constructor(store: RoundStore, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  /** A coordinator with every round the store holds open, replayed from its log. */
  static async restore(store: RoundStore, now: () => number = Date.now): Promise<RoundCoordinator> {
    const coordinator = new RoundCoordinator(store, now);
    for (const round of await store.rounds({ state: 'open' })) await coordinator.#rebuild(round);
    return coordinator;
  }

  /**
   * Opens a round if the merchant's privacy budget allows it (privacy-budget.ts) and returns
   * what it spends. The round's privacy settings and spend are kept with its config. Opens run
   * one at a time, so two rounds cannot each take the last of a budget.
   */
  open(merchant: string, modelVersion: string, config: RoundConfig, privacy: RoundPrivacy, budget: PrivacyBudget, plan: RoundPlan): Promise<PrivacySpend> {
    const opened = this.#opening.then(async () => {
      const server = new SecAggServer(config);
      const spend = await spendFor(this.#store, merchant, privacy, budget);
      const openedAt = this.#now();
      await this.#store.createRound({ id: config.roundId, merchant, modelVersion, config: { ...config, privacy, spend, plan }, openedAt });
      this.#rounds.set(config.roundId, { merchant, modelVersion, plan, privacy, server, phaseSince: openedAt, replies: {}, tokens: new Map() });
      return spend;
    });
    this.#opening = opened.catch(() => undefined);
    return opened;
  }

  /**
   * Admits a client while keys are being advertised: the next index and a fresh random token.
   * Only the token's hash is kept (and logged), so neither the log nor the database can speak
   * for a client.
   */
  async checkIn(roundId: string): Promise<CheckIn> {
    const round = this.#live(roundId);
    if (round.server.state !== 'advertising') throw new Error(`secagg: round "${roundId}" admits no new clients (it is ${round.server.state})`);
    if (round.plan && this.#now() > round.plan.checkInUntil) throw new Error(`secagg: round "${roundId}" closed check-in at ${new Date(round.plan.checkInUntil).toISOString()}`);
    if (round.plan && round.tokens.size >= round.plan.maxClients) throw new Error(`secagg: round "${roundId}" is full (${round.plan.maxClients} clients)`);
    // Reserved before the await, so concurrent check-ins get distinct indices.
    const index = round.tokens.size + 1;
    const token = randomBytes(32).toString('base64url');
    const hash = tokenHash(token);
    round.tokens.set(index, hash);
    await this.#log(roundId, { kind: 'check-in', client: index, payload: hash });
    return { index, token };
  }

  /**
   * Checks, logs and applies one client message (the bytes it uploaded, with the token it was
   * given at check-in); throws, changing nothing, if refused.
   */
  async submit(roundId: string, kind: ClientMessageKind, bytes: Uint8Array, token: string | undefined): Promise<void> {
    const round = this.#live(roundId);
    // The state machine refuses a message whose roundId is not its own, so a logged message always belongs to its round.
    const { index } = applyMessage(round.server, kind, bytes, (speaksFor) => this.#authenticate(round, speaksFor, token));
    await this.#log(roundId, { kind, client: index, payload: bytes });
  }

  /** Ends the current phase (the cohort is complete or its deadline passed); only the round's own merchant may. */
  async advance(roundId: string, merchant: string): Promise<RoundSummary> {
    const round = this.#live(roundId);
    if (round.merchant !== merchant) throw new UnauthenticatedError(`secagg: round "${roundId}" belongs to another merchant`);
    const change = NEXT[round.server.state];
    if (!change) throw new Error(`secagg: round "${roundId}" is ${round.server.state}: no phase to end`);
    try {
      this.#change(round, change);
      round.phaseSince = this.#now();
    } catch (error) {
      if (round.server.state !== 'aborted') throw error;
    }
    if (round.server.state === 'aborted') {
      await this.#store.closeRound(roundId, 'aborted', { reason: round.server.abortedBecause }, this.#now());
      this.#rounds.delete(roundId);
    } else {
      await this.#log(roundId, { kind: change, client: null, payload: EMPTY });
      if (round.replies.result) await this.#complete(roundId, round.replies.result);
    }
    return { id: roundId, phase: round.server.state, abortReason: round.server.abortedBecause, ...(round.replies.result && { result: round.replies.result }) };
  }

  /** Every open round, for the scheduler and for browsers looking for one to join. */
  openRounds(): OpenRound[] {
    return [...this.#rounds.entries()].map(([id, r]) => ({
      id, merchant: r.merchant, modelVersion: r.modelVersion, phase: r.server.state, phaseSince: r.phaseSince,
      plan: r.plan, privacy: r.privacy, config: r.server.config, checkedIn: r.tokens.size,
    }));
  }

  /** The merchant's rounds, newest first, as kept in the store (open ones with their live counts). */
  async history(merchant: string, limit: number): Promise<RoundHistoryEntry[]> {
    const records = (await this.#store.rounds({ merchant })).slice(0, limit);
    return records.map((record) => {
      const config = record.config as { privacy?: RoundPrivacy; spend?: PrivacySpend; plan?: RoundPlan };
      const live = this.#rounds.get(record.id);
      const task = readTask(config.plan);
      const outcome = (record.outcome ?? {}) as { survivors?: number[]; reason?: string };
      return {
        roundId: record.id, state: record.state, phase: live?.server.state ?? null, openedAt: record.openedAt, closedAt: record.closedAt,
        checkedIn: live ? live.tokens.size : null, survivors: outcome.survivors?.length ?? null, abortReason: outcome.reason ?? null,
        catalog: task?.catalog ?? null, model: task?.model ?? null, optimizer: task?.optimizer ?? null, privacy: config.privacy ?? null, spend: config.spend ?? null,
      };
    });
  }

  /** The merchant's privacy ledger now: its rounds that were not aborted, open ones included (privacy-budget.ts). */
  ledger(merchant: string, delta: number): Promise<PrivacyLedger> {
    return merchantLedger(this.#store, merchant, delta);
  }

  /** What client `index` (holding `token`) is to receive after the last closed phase, or null if nothing is due to it yet. */
  reply(roundId: string, index: number, token: string | undefined): TaggedReply | null {
    const round = this.#live(roundId);
    this.#authenticate(round, index, token);
    const { server, replies } = round;
    const tagged = <K extends TaggedReply['kind']>(kind: K, body: Extract<TaggedReply, { kind: K }>['body'] | undefined) =>
      (body ? { kind, body } : null) as TaggedReply | null;
    switch (server.state) {
      case 'sharing': return tagged('roster', replies.rosters?.get(index));
      case 'masking': return tagged('inbox', replies.inboxes?.get(index));
      case 'unmasking': return tagged('unmask-request', replies.requests?.get(index));
      default: return null;
    }
  }

  /** The merchant that opened the round, or undefined when no such round is open. */
  merchantOf(roundId: string): string | undefined {
    return this.#rounds.get(roundId)?.merchant;
  }

  /** The round's parameters as opened. */
  config(roundId: string): RoundConfig {
    return this.#live(roundId).server.config;
  }

  phase(roundId: string): Phase {
    return this.#live(roundId).server.state;
  }

  #authenticate(round: LiveRound, index: number, token: string | undefined): void {
    const expected = round.tokens.get(index);
    if (!expected || !token || !timingSafeEqual(expected, tokenHash(token))) {
      throw new UnauthenticatedError(`secagg: no valid token for client ${index} of round "${round.server.config.roundId}"`);
    }
  }

  #live(roundId: string): LiveRound {
    const round = this.#rounds.get(roundId);
    if (!round) throw new Error(`secagg: no open round "${roundId}"`);
    return round;
  }

  #change(round: LiveRound, change: PhaseChange): void {
    const { server, replies } = round;
    if (change === 'close-advertising') replies.rosters = server.closeAdvertising();
    else if (change === 'close-sharing') replies.inboxes = server.closeSharing();
    else if (change === 'close-masking') replies.requests = server.closeMasking();
    else replies.result = server.finish();
  }

  async #log(roundId: string, event: { kind: string; client: number | null; payload: Uint8Array }): Promise<void> {
    try {
      await this.#store.appendEvent(roundId, { ...event, at: this.#now() });
    } catch (error) {
      // The state machine took what the disk did not: go back to what the disk holds.
      const record = await this.#store.round(roundId);
      this.#rounds.delete(roundId);
      if (record?.state === 'open') await this.#rebuild(record);
      throw error;
    }
  }

  /** The sum is kept with the round, so the noise and the optimizer step can follow after a restart too. */
  async #complete(roundId: string, result: RoundResult): Promise<void> {
    await this.#store.closeRound(roundId, 'completed', { survivors: result.survivors, sum: encodeWords(result.sum) }, this.#now());
    this.#rounds.delete(roundId);
  }

  async #rebuild(record: RoundRecord): Promise<void> {
    const config = record.config as RoundConfig & { plan?: RoundPlan; privacy?: RoundPrivacy };
    const round: LiveRound = {
      merchant: record.merchant, modelVersion: record.modelVersion, plan: config.plan ?? null, privacy: config.privacy ?? null,
      server: new SecAggServer({ roundId: config.roundId, length: config.length, tolerance: config.tolerance }), phaseSince: record.openedAt, replies: {}, tokens: new Map(),
    };
    for (const event of await this.#store.events(record.id)) {
      if (event.client === null) {
        this.#change(round, event.kind as PhaseChange);
        round.phaseSince = event.at;
      } else if (event.kind === 'check-in') round.tokens.set(event.client, Buffer.from(event.payload));
      // Authenticated when it was accepted.
      else applyMessage(round.server, event.kind as ClientMessageKind, event.payload, () => {});
    }
    this.#rounds.set(record.id, round);
    // A crash between logging the last phase and closing the round: close it now.
    if (round.replies.result) await this.#complete(record.id, round.replies.result);
  }
}

/**
 * Decodes one uploaded message, lets `authenticate` check the index it speaks for, and hands it
 * to the state machine, which throws (changing nothing) if it refuses it.
 */
function applyMessage(server: SecAggServer, kind: ClientMessageKind, bytes: Uint8Array, authenticate: (index: number) => void): { index: number } {
  switch (kind) {
    case 'advertise': {
      const message = decodeClientMessage('advertise', bytes);
      authenticate(message.index);
      server.advertise(message);
      return message;
    }
    case 'share-keys': {
      const message = decodeClientMessage('share-keys', bytes);
      authenticate(message.index);
      server.shareKeys(message);
      return message;
    }
    case 'masked-input': {
      const message = decodeClientMessage('masked-input', bytes);
      authenticate(message.index);
      server.maskedInput(message);
      return message;
    }
    case 'unmask': {
      const message = decodeClientMessage('unmask', bytes);
      authenticate(message.index);
      server.unmask(message);
      return message;
    }
    default:
      throw new Error(`secagg: unknown message kind "${String(kind)}"`);
  }
}

const NEXT: Partial<Record<Phase, PhaseChange>> = {
  advertising: 'close-advertising',
  sharing: 'close-sharing',
  masking: 'close-masking',
  unmasking: 'finish',
};
