/**
 * The SecAgg+ messages as bytes (the clients' uploads and the server's replies): JSON with byte strings in base64 and ring vectors as
 * base64 of little-endian uint32. These bytes are what a browser uploads, what the server logs
 * for replay after a restart (src/server/round-coordinator.ts) and what it decodes again then,
 * so decoding checks every field's type and says which one is wrong. The protocol's own checks
 * (round, phase, sender, lengths against the round) stay with the server's state machine.
 */
import type { AdvertiseKeys, MaskedInput, PublicKeys, RevealedShare, Roster, SealedShares, ShareInbox, ShareKeys, UnmaskRequest, UnmaskResponse } from './secagg-protocol.ts';

export type ClientMessageKind = 'advertise' | 'share-keys' | 'masked-input' | 'unmask';

export interface ClientMessages {
  advertise: AdvertiseKeys;
  'share-keys': ShareKeys;
  'masked-input': MaskedInput;
  unmask: UnmaskResponse;
}

export const CLIENT_MESSAGE_KINDS: readonly ClientMessageKind[] = ['advertise', 'share-keys', 'masked-input', 'unmask'];

const littleEndian = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode(...) with 100 KB of arguments overflows the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(value: unknown, what: string): Uint8Array {
  if (typeof value !== 'string') throw new Error(`secagg wire: ${what} must be a base64 string`);
  let binary: string;
  try {
    binary = atob(value);
  } catch {
    throw new Error(`secagg wire: ${what} is not valid base64`);
  }
  // A plain loop: Uint8Array.from(binary, mapFn) costs a call per byte, ~40 ms for a masked input.
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A ring vector as base64 of little-endian uint32 (also how a completed round keeps its sum). */
export function encodeWords(words: Uint32Array): string {
  if (littleEndian) return toBase64(new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((w, i) => view.setUint32(4 * i, w, true));
  return toBase64(bytes);
}

export function decodeWords(value: unknown, what: string): Uint32Array {
  const bytes = fromBase64(value, what);
  if (bytes.length % 4 !== 0) throw new Error(`secagg wire: ${what} must be whole 32-bit words`);
  // The bytes are fresh and aligned: on a little-endian machine they are the words already.
  if (littleEndian) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const view = new DataView(bytes.buffer);
  return Uint32Array.from({ length: bytes.length / 4 }, (_, i) => view.getUint32(4 * i, true));
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`secagg wire: ${what} must be an object`);
  return value as Record<string, unknown>;
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`secagg wire: ${what} must be a list`);
  return value;
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string' || !value) throw new Error(`secagg wire: ${what} must be a non-empty string`);
  return value;
}

function index(value: unknown, what: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw new Error(`secagg wire: ${what} must be a positive integer`);
  return value as number;
}

const keysOut = (keys: PublicKeys) => ({ channel: toBase64(keys.channel), masking: toBase64(keys.masking) });
function keysIn(value: unknown, what: string): PublicKeys {
  const keys = object(value, what);
  return { channel: fromBase64(keys.channel, `${what}.channel`), masking: fromBase64(keys.masking, `${what}.masking`) };
}
const sealedOut = (shares: readonly SealedShares[]) => shares.map(({ from, to, sealed }) => ({ from, to, sealed: toBase64(sealed) }));
const sealedIn = (value: unknown, what: string): SealedShares[] =>
  list(value, what).map((entry, i) => {
    const share = object(entry, `${what}[${i}]`);
    return { from: index(share.from, `${what}[${i}].from`), to: index(share.to, `${what}[${i}].to`), sealed: fromBase64(share.sealed, `${what}[${i}].sealed`) };
  });
const indices = (value: unknown, what: string): number[] => list(value, what).map((entry, i) => index(entry, `${what}[${i}]`));

const revealed = (shares: readonly RevealedShare[]) => shares.map(({ of, y }) => ({ of, y: toBase64(y) }));
const readRevealed = (value: unknown, what: string): RevealedShare[] =>
  list(value, what).map((entry, i) => {
    const share = object(entry, `${what}[${i}]`);
    return { of: index(share.of, `${what}[${i}].of`), y: fromBase64(share.y, `${what}[${i}].y`) };
  });

const ENCODERS: { [K in ClientMessageKind]: (message: ClientMessages[K]) => unknown } = {
  advertise: ({ roundId, index, keys }) => ({ roundId, index, keys: keysOut(keys) }),
  'share-keys': ({ roundId, index, shares }) => ({ roundId, index, shares: sealedOut(shares) }),
  'masked-input': ({ roundId, index, masked }) => ({ roundId, index, masked: encodeWords(masked) }),
  unmask: ({ roundId, index, selfMaskShares, maskingKeyShares }) => ({ roundId, index, selfMaskShares: revealed(selfMaskShares), maskingKeyShares: revealed(maskingKeyShares) }),
};

const DECODERS: { [K in ClientMessageKind]: (body: Record<string, unknown>) => ClientMessages[K] } = {
  advertise: (body) => ({ roundId: text(body.roundId, 'roundId'), index: index(body.index, 'index'), keys: keysIn(body.keys, 'keys') }),
  'share-keys': (body) => ({ roundId: text(body.roundId, 'roundId'), index: index(body.index, 'index'), shares: sealedIn(body.shares, 'shares') }),
  'masked-input': (body) => ({ roundId: text(body.roundId, 'roundId'), index: index(body.index, 'index'), masked: decodeWords(body.masked, 'masked') }),
  unmask: (body) => ({
    roundId: text(body.roundId, 'roundId'),
    index: index(body.index, 'index'),
    selfMaskShares: readRevealed(body.selfMaskShares, 'selfMaskShares'),
    maskingKeyShares: readRevealed(body.maskingKeyShares, 'maskingKeyShares'),
  }),
};

/** What the server sends a client after each phase closes. */
export type ServerReplyKind = 'roster' | 'inbox' | 'unmask-request';

export interface ServerReplies {
  roster: Roster;
  inbox: ShareInbox;
  'unmask-request': UnmaskRequest;
}

const REPLY_ENCODERS: { [K in ServerReplyKind]: (reply: ServerReplies[K]) => unknown } = {
  roster: ({ neighbours, ...rest }) => ({ ...rest, neighbours: neighbours.map(({ index, keys }) => ({ index, keys: keysOut(keys) })) }),
  inbox: ({ roundId, shares }) => ({ roundId, shares: sealedOut(shares) }),
  'unmask-request': (request) => request,
};

const REPLY_DECODERS: { [K in ServerReplyKind]: (body: Record<string, unknown>) => ServerReplies[K] } = {
  roster: (body) => ({
    roundId: text(body.roundId, 'roundId'),
    participants: indices(body.participants, 'participants'),
    degree: index(body.degree, 'degree'),
    threshold: index(body.threshold, 'threshold'),
    neighbours: list(body.neighbours, 'neighbours').map((entry, i) => {
      const neighbour = object(entry, `neighbours[${i}]`);
      return { index: index(neighbour.index, `neighbours[${i}].index`), keys: keysIn(neighbour.keys, `neighbours[${i}].keys`) };
    }),
  }),
  inbox: (body) => ({ roundId: text(body.roundId, 'roundId'), shares: sealedIn(body.shares, 'shares') }),
  'unmask-request': (body) => ({ roundId: text(body.roundId, 'roundId'), survivors: indices(body.survivors, 'survivors'), dropped: indices(body.dropped, 'dropped') }),
};

/** A reply with its kind, as the server holds them. */
export type TaggedReply = { [K in ServerReplyKind]: { kind: K; body: ServerReplies[K] } }[ServerReplyKind];

export function encodeTaggedReply(reply: TaggedReply): Uint8Array {
  switch (reply.kind) {
    case 'roster': return encodeServerReply('roster', reply.body);
    case 'inbox': return encodeServerReply('inbox', reply.body);
    case 'unmask-request': return encodeServerReply('unmask-request', reply.body);
  }
}

export function encodeServerReply<K extends ServerReplyKind>(kind: K, reply: ServerReplies[K]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(REPLY_ENCODERS[kind](reply)));
}

export function decodeServerReply<K extends ServerReplyKind>(kind: K, bytes: Uint8Array): ServerReplies[K] {
  if (!Object.hasOwn(REPLY_DECODERS, kind)) throw new Error(`secagg wire: unknown reply kind "${String(kind)}"`);
  return REPLY_DECODERS[kind](object(parseJson(bytes, kind), `the ${kind} reply`));
}

function parseJson(bytes: Uint8Array, kind: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new Error(`secagg wire: the ${kind} message must be UTF-8 JSON`);
  }
}

export function encodeClientMessage<K extends ClientMessageKind>(kind: K, message: ClientMessages[K]): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(ENCODERS[kind](message)));
}

export function decodeClientMessage<K extends ClientMessageKind>(kind: K, bytes: Uint8Array): ClientMessages[K] {
  if (!Object.hasOwn(DECODERS, kind)) throw new Error(`secagg wire: unknown message kind "${String(kind)}" (expected ${CLIENT_MESSAGE_KINDS.join(', ')})`);
  return DECODERS[kind](object(parseJson(bytes, kind), `the ${kind} message`));
}
