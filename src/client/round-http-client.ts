/**
 * The round API (src/server/round-routes.ts) from a client's side, over fetch alone so that it
 * runs in the learner worker as well as in Node: discover the open round, check in, upload one
 * SecAgg+ message per phase, and poll for the server's reply to the phase just closed. Every
 * request is reported to `onRequest` with its purpose and bytes, for the shopper's network log.
 */
import { parseRoundAnnouncement, type RoundAnnouncement } from '../core/round-announcement.ts';
import type { RoundConfig } from '../core/secagg-protocol.ts';
import { decodeServerReply, encodeClientMessage, type ClientMessageKind, type ClientMessages, type ServerReplies, type ServerReplyKind } from '../core/secagg-wire.ts';
import { SecAggClient } from './secagg-client.ts';

/** One request to the round API, as the network log records it. */
export interface RoundRequest {
  at: number;
  method: 'GET' | 'POST';
  url: string;
  purpose: string;
  bytesSent: number;
  bytesReceived: number;
}

export interface RoundHttpOptions {
  onRequest?: (request: RoundRequest) => void;
  /** Stops every request and wait (abort, deadline, erase, a change of mode). */
  signal?: AbortSignal;
}

/** What each upload is, in the shopper's words (the privacy panel and the audit report show these). */
export const ROUND_PURPOSES: Readonly<Record<ClientMessageKind | 'open' | 'check-in' | 'reply', string>> = {
  open: 'ask whether a training round is open (sends nothing about you)',
  'check-in': 'join a training round (sends nothing about you)',
  advertise: 'training round: two public keys for secure aggregation (nothing about you)',
  'share-keys': 'training round: key shares encrypted for other participants (nothing about you)',
  'masked-input': 'training round: the model update, masked: random-looking numbers only, no events and no product ids',
  unmask: 'training round: key shares that let the server unmask only the sum of all updates',
  reply: 'training round: fetch the next step',
};

async function request(url: string, init: RequestInit & { method: 'GET' | 'POST' }, purpose: string, options: RoundHttpOptions): Promise<{ status: number; headers: Headers; body: Uint8Array }> {
  const at = Date.now();
  const response = await fetch(url, { ...init, signal: options.signal ?? null });
  const body = new Uint8Array(await response.arrayBuffer());
  const sent = init.body instanceof Uint8Array ? init.body.byteLength : 0;
  options.onRequest?.({ at, method: init.method, url, purpose, bytesSent: sent, bytesReceived: body.byteLength });
  return { status: response.status, headers: response.headers, body };
}

/** The replies in protocol order: until a phase closes, the server still serves the one before. */
const REPLY_ORDER: readonly ServerReplyKind[] = ['roster', 'inbox', 'unmask-request'];

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const roundsUrl = (base: string, path: string) => new URL(`v1/rounds${path}`, base.endsWith('/') ? base : `${base}/`).href;

/** The merchant's round open for check-in, or null when there is none (204). */
export async function fetchOpenRound(base: string, merchant: string, options: RoundHttpOptions = {}): Promise<RoundAnnouncement | null> {
  const { status, body } = await request(roundsUrl(base, `/open?merchant=${encodeURIComponent(merchant)}`), { method: 'GET' }, ROUND_PURPOSES.open, options);
  if (status === 204) return null;
  if (status !== 200) throw new Error(`round discovery: ${status} ${text(body)}`);
  return parseRoundAnnouncement(JSON.parse(text(body)));
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', stop, { once: true });
  });
}

export class HttpRoundClient {
  private constructor(readonly base: string, readonly roundId: string, readonly index: number, readonly token: string, readonly client: SecAggClient,
    private readonly options: RoundHttpOptions) {}

  /** Checks in and advertises this client's keys. `round` as announced, or its id (then its parameters are fetched). */
  static async join(base: string, round: string | Pick<RoundConfig, 'roundId' | 'length' | 'tolerance'>, options: RoundHttpOptions = {}): Promise<HttpRoundClient> {
    let config: RoundConfig;
    if (typeof round === 'string') {
      const { status, body } = await request(roundsUrl(base, `/${round}`), { method: 'GET' }, ROUND_PURPOSES.reply, options);
      if (status !== 200) throw new Error(`round ${round}: ${status} ${text(body)}`);
      const described = JSON.parse(text(body)) as { length: number; tolerance: RoundConfig['tolerance'] };
      config = { roundId: round, length: described.length, tolerance: described.tolerance };
    } else {
      config = { roundId: round.roundId, length: round.length, tolerance: round.tolerance };
    }
    const { status, body } = await request(roundsUrl(base, `/${config.roundId}/check-in`), { method: 'POST' }, ROUND_PURPOSES['check-in'], options);
    if (status !== 201) throw new Error(`check-in: ${status} ${text(body)}`);
    const { index, token } = JSON.parse(text(body)) as { index: number; token: string };
    const { client, advertise } = await SecAggClient.start(config, index);
    const joined = new HttpRoundClient(base, config.roundId, index, token, client, options);
    await joined.send('advertise', advertise);
    return joined;
  }

  async send<K extends ClientMessageKind>(kind: K, message: ClientMessages[K]): Promise<void> {
    const { status, body } = await request(roundsUrl(this.base, `/${this.roundId}/messages/${kind}`), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.token}` },
      // The wire encoder's bytes sit on a plain ArrayBuffer (TextEncoder), never a shared one.
      body: encodeClientMessage(kind, message) as Uint8Array<ArrayBuffer>,
    }, ROUND_PURPOSES[kind], this.options);
    if (status !== 202) throw new Error(`${kind}: ${status} ${text(body)}`);
  }

  /** The reply to the phase just closed; throws if it is not there yet (use awaitReply to wait for it). */
  async reply<K extends ServerReplyKind>(kind: K): Promise<ServerReplies[K]> {
    const reply = await this.#fetchReply(kind);
    if (!reply) throw new Error(`reply: the server has no ${kind} for this client yet`);
    return reply;
  }

  /** Polls every `pollMs` until the server has this client's `kind` reply (it answers 204 until the phase closes). */
  async awaitReply<K extends ServerReplyKind>(kind: K, pollMs: number): Promise<ServerReplies[K]> {
    for (;;) {
      const reply = await this.#fetchReply(kind);
      if (reply) return reply;
      await wait(pollMs, this.options.signal);
    }
  }

  /** The `kind` reply, or null while the server has none or still serves the previous phase's (the phase has not closed). */
  async #fetchReply<K extends ServerReplyKind>(kind: K): Promise<ServerReplies[K] | null> {
    const { status, headers, body } = await request(roundsUrl(this.base, `/${this.roundId}/reply/${this.index}`), { method: 'GET', headers: { Authorization: `Bearer ${this.token}` } }, ROUND_PURPOSES.reply, this.options);
    if (status === 204) return null;
    const served = headers.get('x-privet-reply');
    if (status === 200 && served === kind) return decodeServerReply(kind, body);
    if (status === 200 && served === REPLY_ORDER[REPLY_ORDER.indexOf(kind) - 1]) return null;
    throw new Error(`reply: ${status} ${served ?? text(body)}, expected ${kind}`);
  }
}
