/**
 * The client's side of one SecAgg+ round (Bonawitz et al. 2017 with Bell et al. 2020's sparse
 * graph); the constructions are in src/core/secagg-protocol.ts, the protocol in README.md.
 *
 *   start        advertise a channel and a masking P-256 public key
 *   shareKeys    Shamir-share a fresh self-mask seed b_u and the masking private key among the
 *                graph neighbours, each neighbour's pair of shares sealed under the channel key
 *   maskInput    open the neighbours' shares; upload y_u = x_u + PRG(b_u) + Σ_v ±PRG(s_uv)
 *   unmask       reveal, per neighbour, the share of b_v if v's input arrived or of v's masking
 *                key if it did not: never both, so the server can never strip both masks of v
 *
 * Every step checks what the server sent and refuses (throws) rather than reveal more than the
 * protocol allows. Messages carry no signatures: the client trusts the server to route them
 * honestly (an honest-but-curious server), but not to ask for more than one share per neighbour.
 */
import { addInto, subtractInto } from '../core/ring.ts';
import { secaggNeighbours } from '../core/secagg-graph.ts';
import { secaggParameters } from '../core/secagg-parameters.ts';
import {
  checkPublicKey,
  maskSign,
  pairInfo,
  SEED_BYTES,
  SHARE_PAIR_BYTES,
  sharesAad,
  type AdvertiseKeys,
  type MaskedInput,
  type RoundConfig,
  type Roster,
  type ShareInbox,
  type ShareKeys,
  type UnmaskRequest,
  type UnmaskResponse,
} from '../core/secagg-protocol.ts';
import { SHARE_BYTES, split } from '../core/shamir.ts';
import { agreeKey, expandSeed, exportPublicKey, generateKeyPair, importPublicKey, keystream, open, privateScalar, randomBytes, seal } from './secagg-crypto.ts';

/** 'busy' while an asynchronous step runs, so that two overlapping calls cannot both answer. */
type Phase = 'advertised' | 'shared' | 'masked' | 'done' | 'busy';

interface Neighbour {
  channelKey: CryptoKey;
  maskingPublicKey: CryptoKey;
}

/** The shares a neighbour sealed for this client: of its self-mask seed and of its masking key. */
interface HeldShares {
  selfMask: Uint8Array;
  maskingKey: Uint8Array;
}

export class SecAggClient {
  private phase: Phase = 'advertised';
  private threshold = 0;
  private neighbours = new Map<number, Neighbour>();
  private held = new Map<number, HeldShares>();
  private selfMaskSeed: Uint8Array | null = null;

  private constructor(
    readonly config: RoundConfig,
    readonly index: number,
    private readonly channel: CryptoKeyPair,
    private readonly masking: CryptoKeyPair,
  ) {}

  /** Round 0: fresh key pairs for this round, and the message advertising their public halves. */
  static async start(config: RoundConfig, index: number): Promise<{ client: SecAggClient; advertise: AdvertiseKeys }> {
    if (!Number.isSafeInteger(index) || index < 1) throw new Error(`secagg client: index ${index} must be a positive integer`);
    if (!Number.isInteger(config.length) || config.length <= 0) throw new Error(`secagg client: length ${config.length} must be a positive integer`);
    // The channel key never leaves this object; the masking key is shared, so it must export.
    const [channel, masking] = await Promise.all([generateKeyPair(false), generateKeyPair(true)]);
    const keys = { channel: await exportPublicKey(channel.publicKey), masking: await exportPublicKey(masking.publicKey) };
    return { client: new SecAggClient(config, index, channel, masking), advertise: { roundId: config.roundId, index, keys } };
  }

  private step(roundId: string, expected: Phase, what: string): void {
    if (roundId !== this.config.roundId) throw new Error(`secagg client: ${what} is for round "${roundId}", this is round "${this.config.roundId}"`);
    if (this.phase !== expected) throw new Error(`secagg client: cannot take ${what} now (this client is at "${this.phase}")`);
  }

  /** Runs an asynchronous step; a refusal leaves the client where it was, so the step can be retried. */
  private async advance<T>(from: Phase, to: Phase, work: () => Promise<T>): Promise<T> {
    this.phase = 'busy';
    try {
      const out = await work();
      this.phase = to;
      return out;
    } catch (error) {
      this.phase = from;
      throw error;
    }
  }

  /** Round 1: check the roster against the graph this client computes itself, then seal shares for each neighbour. */
  async shareKeys(roster: Roster): Promise<ShareKeys> {
    this.step(roster.roundId, 'advertised', 'a roster');
    return this.advance('advertised', 'shared', () => this.sealShares(roster));
  }

  private async sealShares(roster: Roster): Promise<ShareKeys> {
    const { roundId } = this.config;
    if (!roster.participants.includes(this.index)) throw new Error(`secagg client: the roster does not list this client (${this.index})`);
    const expected = secaggParameters(roster.participants.length, this.config.tolerance);
    if (roster.degree !== expected.degree || roster.threshold !== expected.threshold) {
      throw new Error(`secagg client: the roster's degree ${roster.degree} and threshold ${roster.threshold} are not the ${expected.degree} and ${expected.threshold} the round's tolerance requires for ${roster.participants.length} clients`);
    }
    const mine = secaggNeighbours(roundId, roster.participants, roster.degree, this.index);
    const given = roster.neighbours.map((n) => n.index).sort((a, b) => a - b);
    if (given.join() !== mine.join()) throw new Error(`secagg client: the roster's neighbours (${given.join(', ')}) are not this client's graph neighbours (${mine.join(', ')})`);

    const selfMaskSeed = randomBytes(SEED_BYTES);
    const selfMaskShares = split(selfMaskSeed, expected.threshold, mine, randomBytes);
    const maskingKeyShares = split(await privateScalar(this.masking.privateKey), expected.threshold, mine, randomBytes);
    const neighbours = new Map<number, Neighbour>();
    const shares = await Promise.all(
      roster.neighbours.map(async ({ index: v, keys }) => {
        const channelPublicKey = await importPublicKey(checkPublicKey(keys.channel, `neighbour ${v}'s channel key`));
        const maskingPublicKey = await importPublicKey(checkPublicKey(keys.masking, `neighbour ${v}'s masking key`));
        const channelKey = await agreeKey(this.channel.privateKey, channelPublicKey, pairInfo('channel', roundId, this.index, v), 'AES-GCM');
        neighbours.set(v, { channelKey, maskingPublicKey });
        const j = mine.indexOf(v);
        const plaintext = new Uint8Array(SHARE_PAIR_BYTES);
        plaintext.set(selfMaskShares[j]!.y);
        plaintext.set(maskingKeyShares[j]!.y, SHARE_BYTES);
        return { from: this.index, to: v, sealed: await seal(channelKey, sharesAad(roundId, this.index, v), plaintext) };
      }),
    );
    this.neighbours = neighbours;
    this.threshold = expected.threshold;
    this.selfMaskSeed = selfMaskSeed;
    return { roundId, index: this.index, shares };
  }

  /** Round 2: open the neighbours' shares and upload the input under its self mask and pairwise masks. */
  async maskInput(inbox: ShareInbox, input: Uint32Array): Promise<MaskedInput> {
    this.step(inbox.roundId, 'shared', 'a share inbox');
    return this.advance('shared', 'masked', () => this.mask(inbox, input));
  }

  private async mask(inbox: ShareInbox, input: Uint32Array): Promise<MaskedInput> {
    const { roundId, length } = this.config;
    if (!(input instanceof Uint32Array) || input.length !== length) throw new Error(`secagg client: the input must be a Uint32Array of ${length} ring elements`);
    const senders = new Set<number>();
    for (const { from, to } of inbox.shares) {
      if (to !== this.index) throw new Error(`secagg client: the inbox holds shares for client ${to}`);
      if (!this.neighbours.has(from)) throw new Error(`secagg client: the inbox holds shares from client ${from}, not a neighbour`);
      if (senders.has(from)) throw new Error(`secagg client: the inbox holds two sets of shares from client ${from}`);
      senders.add(from);
    }
    if (senders.size < this.threshold) {
      throw new Error(`secagg client: only ${senders.size} neighbours shared keys, fewer than the threshold ${this.threshold}: this client's secrets could not be rebuilt, so it sends nothing`);
    }
    const held = new Map<number, HeldShares>();
    await Promise.all(
      inbox.shares.map(async ({ from, sealed }) => {
        const plaintext = await open(this.neighbours.get(from)!.channelKey, sharesAad(roundId, from, this.index), sealed, `the shares from client ${from}`);
        if (plaintext.length !== SHARE_PAIR_BYTES) throw new Error(`secagg client: the shares from client ${from} have ${plaintext.length} bytes`);
        held.set(from, { selfMask: plaintext.slice(0, SHARE_BYTES), maskingKey: plaintext.slice(SHARE_BYTES) });
      }),
    );
    // Pairwise masks only with neighbours that shared keys: the server can rebuild their masking
    // keys if they drop out now, and will not expect masks from the others.
    const pairwise = await Promise.all(
      [...senders].map(async (v) => {
        const seed = await agreeKey(this.masking.privateKey, this.neighbours.get(v)!.maskingPublicKey, pairInfo('mask', roundId, this.index, v), 'AES-CTR');
        return { v, mask: await keystream(seed, length) };
      }),
    );
    const masked = input.slice();
    addInto(masked, await expandSeed(this.selfMaskSeed!, length));
    for (const { v, mask } of pairwise) (maskSign(this.index, v) > 0 ? addInto : subtractInto)(masked, mask);
    this.held = held;
    this.selfMaskSeed = null; // its shares are with the neighbours now
    return { roundId, index: this.index, masked };
  }

  /** Round 3: one share per neighbour that shared keys, of the secret its fate calls for. */
  unmask(request: UnmaskRequest): UnmaskResponse {
    this.step(request.roundId, 'masked', 'an unmask request');
    const asked = new Set<number>();
    for (const v of [...request.survivors, ...request.dropped]) {
      if (asked.has(v)) {
        throw new Error(request.survivors.includes(v) && request.dropped.includes(v)
          ? `secagg client: the server asks for both shares of client ${v}; refusing to reveal either`
          : `secagg client: the unmask request names client ${v} twice`);
      }
      if (!this.held.has(v)) throw new Error(`secagg client: client ${v} is not a neighbour that shared keys with this client`);
      asked.add(v);
    }
    if (asked.size !== this.held.size) throw new Error(`secagg client: the unmask request settles ${asked.size} of the ${this.held.size} neighbours that shared keys`);
    if (request.survivors.length < this.threshold) {
      throw new Error(`secagg client: the unmask request names ${request.survivors.length} surviving neighbours, fewer than the threshold ${this.threshold}; refusing`);
    }
    this.phase = 'done';
    return {
      roundId: this.config.roundId,
      index: this.index,
      selfMaskShares: request.survivors.map((v) => ({ of: v, y: this.held.get(v)!.selfMask })),
      maskingKeyShares: request.dropped.map((v) => ({ of: v, y: this.held.get(v)!.maskingKey })),
    };
  }
}
