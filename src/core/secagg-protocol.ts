/**
 * What the SecAgg+ client (src/client/secagg-client.ts, WebCrypto) and server
 * (src/server/secagg-server.ts, node:crypto) must agree on: the messages of the four rounds and
 * the exact bytes both sides feed their primitives.
 *
 *   pair secret  = HKDF-SHA256(ECDH_P256(a, B).x, salt = empty, info = pairInfo(…))   32 bytes
 *   PRG(seed, n) = AES-256-CTR keystream under key `seed`, counter block 0, 128-bit counter,
 *                  4n bytes read as n little-endian uint32
 *   shares       = AES-256-GCM under the channel pair secret, random 96-bit IV, AAD sharesAad(…)
 *
 * Each client u holds two P-256 key pairs: a channel pair, whose agreements with its neighbours
 * encrypt the shares it sends them and is never revealed, and a masking pair, whose agreement
 * s_uv with neighbour v seeds the pairwise mask and whose private key is Shamir-shared so the
 * server can remove u's masks if u drops out. Its upload is y_u = x_u + PRG(b_u) + Σ_v ±PRG(s_uv)
 * mod 2^32, + when u < v and − otherwise, so pairwise masks cancel in the sum.
 */
import type { SecAggTolerance } from './secagg-parameters.ts';
import { SHARE_BYTES } from './shamir.ts';

export const PROTOCOL = 'privet-secagg/v1';
/** Uncompressed P-256 point: 0x04 ‖ X ‖ Y. */
export const PUBLIC_KEY_BYTES = 65;
export const SEED_BYTES = 32;
export const IV_BYTES = 12;
/** What a client seals for a neighbour: its share of b_u ‖ its share of the masking key. */
export const SHARE_PAIR_BYTES = 2 * SHARE_BYTES;
/** IV ‖ ciphertext ‖ 16-byte GCM tag. */
export const SEALED_SHARES_BYTES = IV_BYTES + SHARE_PAIR_BYTES + 16;

/** What the server announces when it opens a round. */
export interface RoundConfig {
  roundId: string;
  /** Ring elements per input (the encoded update's length). */
  length: number;
  tolerance: SecAggTolerance;
}

export interface PublicKeys {
  channel: Uint8Array;
  masking: Uint8Array;
}

/** Round 0, client → server. */
export interface AdvertiseKeys {
  roundId: string;
  index: number;
  keys: PublicKeys;
}

/** End of round 0, server → each advertiser: the cohort, the parameters and its neighbours' keys. */
export interface Roster {
  roundId: string;
  participants: number[];
  degree: number;
  threshold: number;
  neighbours: { index: number; keys: PublicKeys }[];
}

/** u's shares of its self-mask seed and masking key for neighbour `to`, sealed under their channel key. */
export interface SealedShares {
  from: number;
  to: number;
  /** IV ‖ AES-GCM ciphertext and tag. */
  sealed: Uint8Array;
}

/** Round 1, client → server. */
export interface ShareKeys {
  roundId: string;
  index: number;
  shares: SealedShares[];
}

/** End of round 1, server → each client that shared keys: the shares its neighbours sealed for it. */
export interface ShareInbox {
  roundId: string;
  shares: SealedShares[];
}

/** Round 2, client → server. */
export interface MaskedInput {
  roundId: string;
  index: number;
  masked: Uint32Array;
}

/** End of round 2, server → each client that sent a masked input: its neighbours, by fate. */
export interface UnmaskRequest {
  roundId: string;
  /** Neighbours whose masked input arrived: reveal your share of their self-mask seed. */
  survivors: number[];
  /** Neighbours that shared keys but sent no masked input: reveal your share of their masking key. */
  dropped: number[];
}

export interface RevealedShare {
  /** Whose secret this is a share of. */
  of: number;
  y: Uint8Array;
}

/** Round 3, client → server. */
export interface UnmaskResponse {
  roundId: string;
  index: number;
  selfMaskShares: RevealedShare[];
  maskingKeyShares: RevealedShare[];
}

const utf8 = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** HKDF info for the pair secret of u and v: the same bytes whichever of them derives it. */
export function pairInfo(purpose: 'channel' | 'mask', roundId: string, u: number, v: number): Uint8Array {
  return utf8([PROTOCOL, purpose, roundId, Math.min(u, v), Math.max(u, v)]);
}

/** AES-GCM associated data: a sealed share opens only in its round, from its sender, for its receiver. */
export function sharesAad(roundId: string, from: number, to: number): Uint8Array {
  return utf8([PROTOCOL, 'shares', roundId, from, to]);
}

/** +1 if u adds the pairwise mask it shares with v, −1 if it subtracts it. */
export function maskSign(u: number, v: number): 1 | -1 {
  return u < v ? 1 : -1;
}

export function checkPublicKey(key: unknown, what: string): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== PUBLIC_KEY_BYTES || key[0] !== 0x04) {
    throw new Error(`secagg: ${what} must be an uncompressed P-256 point (${PUBLIC_KEY_BYTES} bytes starting 0x04)`);
  }
  return key;
}

const littleEndian = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** A PRG keystream as little-endian uint32 words (a view, no copy, on little-endian hosts). */
export function keystreamWords(bytes: Uint8Array): Uint32Array {
  if (bytes.length % 4 !== 0) throw new Error('secagg: a keystream must be whole 32-bit words');
  if (littleEndian && bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return Uint32Array.from({ length: bytes.length / 4 }, (_, i) => view.getUint32(i * 4, true));
}
