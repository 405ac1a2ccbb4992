/**
 * The server's side of one SecAgg+ round: the protocol state and the checks on every message, with
 * the unmasking itself in secagg-aggregate.ts. It collects public keys, draws the graph, routes
 * sealed shares it cannot open, collects masked inputs, asks each survivor for one share per
 * neighbour and returns the exact sum of the survivors' inputs mod 2^32.
 *
 * A message that fails a check (wrong round, wrong step, unknown or repeated sender, wrong shape)
 * is refused with an error and changes nothing. A round that can no longer complete (too few
 * clients left to rebuild someone's secret) aborts before any share is asked for where possible;
 * an aborted round refuses everything after.
 *
 * State lives in memory: persistence across a restart comes with the HTTP routes.
 */
import { secaggGraph, type SecAggGraph } from '../core/secagg-graph.ts';
import { secaggParameters, type SecAggParameters } from '../core/secagg-parameters.ts';
import {
  checkPublicKey,
  SEALED_SHARES_BYTES,
  type AdvertiseKeys,
  type MaskedInput,
  type PublicKeys,
  type RoundConfig,
  type Roster,
  type SealedShares,
  type ShareInbox,
  type ShareKeys,
  type UnmaskRequest,
  type UnmaskResponse,
} from '../core/secagg-protocol.ts';
import { SHARE_BYTES, type Share } from '../core/shamir.ts';
import { unmaskSum, type DroppedClient } from './secagg-aggregate.ts';
import { checkCurvePoint } from './secagg-crypto.ts';

export type Phase = 'advertising' | 'sharing' | 'masking' | 'unmasking' | 'finished' | 'aborted';

export interface RoundResult {
  /** Σ x_u mod 2^32 over the survivors. */
  sum: Uint32Array;
  /** Clients whose masked input is in the sum, ascending (decodeSum's count is their number). */
  survivors: number[];
}

export class SecAggServer {
  private phase: Phase = 'advertising';
  private abortReason = '';
  private readonly keys = new Map<number, PublicKeys>();
  private parameters: SecAggParameters = { degree: 0, threshold: 0 };
  private graph: SecAggGraph = new Map();
  private readonly sealed = new Map<number, SealedShares[]>();
  private readonly masked = new Map<number, Uint32Array>();
  private readonly requests = new Map<number, UnmaskRequest>();
  private readonly responses = new Map<number, UnmaskResponse>();

  constructor(readonly config: RoundConfig) {
    if (!config.roundId) throw new Error('secagg: a round needs an id');
    if (!Number.isInteger(config.length) || config.length <= 0) throw new Error(`secagg: length ${config.length} must be a positive integer`);
  }

  /** Which step the round is at. */
  get state(): Phase {
    return this.phase;
  }

  /** Why the round aborted ('' unless it did). */
  get abortedBecause(): string {
    return this.abortReason;
  }

  /** The graph's degree k and threshold t, once advertising has closed. */
  get roundParameters(): SecAggParameters {
    return { ...this.parameters };
  }

  private check(roundId: string, phase: Phase, what: string): void {
    if (this.phase === 'aborted') throw new Error(`secagg: round "${this.config.roundId}" was aborted (${this.abortReason})`);
    if (roundId !== this.config.roundId) throw new Error(`secagg: ${what} is for round "${roundId}", this is round "${this.config.roundId}"`);
    if (this.phase !== phase) throw new Error(`secagg: round "${this.config.roundId}" takes no ${what} now (it is ${this.phase})`);
  }

  private abort(reason: string): never {
    this.phase = 'aborted';
    this.abortReason = reason.replace(/^secagg: /, '');
    throw new Error(`secagg: round "${this.config.roundId}" aborted: ${this.abortReason}`);
  }

  private neighbours(u: number): readonly number[] {
    return this.graph.get(u)!;
  }

  // Round 0 ------------------------------------------------------------------------------------

  advertise(message: AdvertiseKeys): void {
    this.check(message.roundId, 'advertising', 'key advertisement');
    const { index, keys } = message;
    if (!Number.isSafeInteger(index) || index < 1) throw new Error(`secagg: client index ${index} must be a positive integer`);
    if (this.keys.has(index)) throw new Error(`secagg: client ${index} already advertised keys for this round (a replay?)`);
    for (const kind of ['channel', 'masking'] as const) {
      checkPublicKey(keys?.[kind], `client ${index}'s ${kind} key`);
      checkCurvePoint(keys[kind], `client ${index}'s ${kind} key`);
    }
    this.keys.set(index, { channel: keys.channel.slice(), masking: keys.masking.slice() });
  }

  /** Fixes the cohort, draws the graph and returns each advertiser's roster. */
  closeAdvertising(): Map<number, Roster> {
    this.check(this.config.roundId, 'advertising', 'end of advertising');
    const participants = [...this.keys.keys()].sort((a, b) => a - b);
    try {
      this.parameters = secaggParameters(participants.length, this.config.tolerance);
    } catch (error) {
      this.abort((error as Error).message);
    }
    this.graph = secaggGraph(this.config.roundId, participants, this.parameters.degree);
    this.phase = 'sharing';
    return new Map(participants.map((u) => [u, {
      roundId: this.config.roundId,
      participants,
      ...this.parameters,
      neighbours: this.neighbours(u).map((v) => ({ index: v, keys: this.keys.get(v)! })),
    }]));
  }

  // Round 1 ------------------------------------------------------------------------------------

  shareKeys(message: ShareKeys): void {
    this.check(message.roundId, 'sharing', 'key shares');
    const { index, shares } = message;
    if (!this.graph.has(index)) throw new Error(`secagg: client ${index} is not in this round's cohort`);
    if (this.sealed.has(index)) throw new Error(`secagg: client ${index} already shared keys (a replay?)`);
    const expected = this.neighbours(index);
    const seen = new Set<number>();
    for (const { from, to, sealed } of shares) {
      if (from !== index) throw new Error(`secagg: client ${index} sent shares claiming to be from client ${from}`);
      if (!expected.includes(to) || seen.has(to)) throw new Error(`secagg: client ${index} sent shares for client ${to}, not one of its neighbours or twice`);
      if (!(sealed instanceof Uint8Array) || sealed.length !== SEALED_SHARES_BYTES) throw new Error(`secagg: client ${index}'s shares for client ${to} are not ${SEALED_SHARES_BYTES} sealed bytes`);
      seen.add(to);
    }
    if (seen.size !== expected.length) throw new Error(`secagg: client ${index} sent shares for ${seen.size} of its ${expected.length} neighbours`);
    this.sealed.set(index, shares.map((s) => ({ ...s, sealed: s.sealed.slice() })));
  }

  /** Routes the sealed shares: each client that shared keys gets those its neighbours sealed for it. */
  closeSharing(): Map<number, ShareInbox> {
    this.check(this.config.roundId, 'sharing', 'end of key sharing');
    const { threshold } = this.parameters;
    for (const u of this.sealed.keys()) {
      const holders = this.neighbours(u).filter((v) => this.sealed.has(v)).length;
      if (holders < threshold) this.abort(`only ${holders} of client ${u}'s neighbours shared keys, fewer than the threshold ${threshold}`);
    }
    if (this.sealed.size === 0) this.abort('no client shared keys');
    const inboxes = new Map<number, ShareInbox>([...this.sealed.keys()].map((v) => [v, { roundId: this.config.roundId, shares: [] }]));
    for (const shares of this.sealed.values()) for (const share of shares) inboxes.get(share.to)?.shares.push(share);
    this.phase = 'masking';
    return inboxes;
  }

  // Round 2 ------------------------------------------------------------------------------------

  maskedInput(message: MaskedInput): void {
    this.check(message.roundId, 'masking', 'masked input');
    const { index, masked } = message;
    if (!this.sealed.has(index)) throw new Error(`secagg: client ${index} did not share keys in this round; its masked input is refused`);
    if (this.masked.has(index)) throw new Error(`secagg: client ${index} already sent a masked input (a replay?)`);
    if (!(masked instanceof Uint32Array) || masked.length !== this.config.length) {
      throw new Error(`secagg: client ${index}'s masked input must be a Uint32Array of ${this.config.length} values, got ${masked?.length ?? 'none'}`);
    }
    this.masked.set(index, masked.slice());
  }

  /** Fixes the survivors and asks each for one share per neighbour: of b_v if v survived, of v's masking key if not. */
  closeMasking(): Map<number, UnmaskRequest> {
    this.check(this.config.roundId, 'masking', 'end of masking');
    const { threshold } = this.parameters;
    if (this.masked.size < threshold) this.abort(`only ${this.masked.size} masked inputs arrived, fewer than the threshold ${threshold}`);
    for (const u of this.sealed.keys()) {
      const alive = this.neighbours(u).filter((v) => this.masked.has(v)).length;
      if (alive < threshold) {
        this.abort(`${this.masked.has(u) ? 'survivor' : 'dropped client'} ${u} has ${alive} surviving neighbours, fewer than the threshold ${threshold}: its ${this.masked.has(u) ? 'self mask' : 'pairwise masks'} could not be removed`);
      }
    }
    for (const w of this.masked.keys()) {
      const holding = this.neighbours(w).filter((v) => this.sealed.has(v));
      this.requests.set(w, {
        roundId: this.config.roundId,
        survivors: holding.filter((v) => this.masked.has(v)),
        dropped: holding.filter((v) => !this.masked.has(v)),
      });
    }
    this.phase = 'unmasking';
    return new Map(this.requests);
  }

  // Round 3 ------------------------------------------------------------------------------------

  unmask(message: UnmaskResponse): void {
    this.check(message.roundId, 'unmasking', 'unmask response');
    const { index } = message;
    const request = this.requests.get(index);
    if (!request) throw new Error(`secagg: client ${index} was not asked to unmask`);
    if (this.responses.has(index)) throw new Error(`secagg: client ${index} already answered (a replay?)`);
    const answers = (revealed: UnmaskResponse['selfMaskShares'], wanted: number[], what: string) => {
      const of = revealed.map((r) => r.of).sort((a, b) => a - b);
      if (of.join() !== [...wanted].sort((a, b) => a - b).join()) throw new Error(`secagg: client ${index}'s ${what} do not answer its request`);
      for (const r of revealed) if (!(r.y instanceof Uint8Array) || r.y.length !== SHARE_BYTES) throw new Error(`secagg: client ${index}'s share of client ${r.of}'s secret is not ${SHARE_BYTES} bytes`);
    };
    answers(message.selfMaskShares, request.survivors, 'self-mask shares');
    answers(message.maskingKeyShares, request.dropped, 'masking-key shares');
    this.responses.set(index, message);
  }

  /** Rebuilds the secrets and returns the survivors' sum, or aborts if some secret cannot be rebuilt. */
  finish(): RoundResult {
    this.check(this.config.roundId, 'unmasking', 'end of unmasking');
    const selfMaskShares = new Map<number, Share[]>([...this.masked.keys()].map((u) => [u, []]));
    const maskingKeyShares = new Map<number, Share[]>();
    for (const { index: x, selfMaskShares: selfMask, maskingKeyShares: maskingKey } of this.responses.values()) {
      for (const { of, y } of selfMask) selfMaskShares.get(of)!.push({ x, y });
      for (const { of, y } of maskingKey) maskingKeyShares.set(of, [...(maskingKeyShares.get(of) ?? []), { x, y }]);
    }
    const dropped = new Map<number, DroppedClient>();
    for (const v of this.sealed.keys()) {
      if (this.masked.has(v)) continue;
      dropped.set(v, {
        shares: maskingKeyShares.get(v) ?? [],
        survivingNeighbours: this.neighbours(v).filter((u) => this.masked.has(u)).map((u) => ({ index: u, maskingKey: this.keys.get(u)!.masking })),
      });
    }
    let sum: Uint32Array;
    try {
      sum = unmaskSum({ roundId: this.config.roundId, length: this.config.length, threshold: this.parameters.threshold, masked: this.masked, selfMaskShares, dropped });
    } catch (error) {
      this.abort((error as Error).message);
    }
    this.phase = 'finished';
    return { sum, survivors: [...this.masked.keys()].sort((a, b) => a - b) };
  }
}
