/**
 * The client's SecAgg+ primitives on WebCrypto alone (globalThis.crypto.subtle: browsers, workers
 * and Node 20), byte for byte what src/server/secagg-crypto.ts computes with node:crypto
 * (tests/server/secagg-crypto.test.ts). The constructions are in src/core/secagg-protocol.ts.
 */
import { IV_BYTES, keystreamWords, SEED_BYTES } from '../core/secagg-protocol.ts';

const subtle = globalThis.crypto.subtle;
const P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;

/** WebCrypto's BufferSource, pinned to a plain ArrayBuffer (TypeScript's lib insists). */
const buffer = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

export function randomBytes(count: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(count));
}

/** A fresh P-256 key pair; only the masking pair's private key needs to be extractable (to be shared). */
export function generateKeyPair(extractable: boolean): Promise<CryptoKeyPair> {
  return subtle.generateKey(P256, extractable, ['deriveKey', 'deriveBits']);
}

export async function exportPublicKey(key: CryptoKey): Promise<Uint8Array> {
  return new Uint8Array(await subtle.exportKey('raw', key));
}

/** Refuses a point that is not on P-256 (WebCrypto validates it). */
export function importPublicKey(raw: Uint8Array): Promise<CryptoKey> {
  return subtle.importKey('raw', buffer(raw), P256, false, []);
}

/** The 32-byte private scalar d (JWK "d", base64url, full length by RFC 7518). */
export async function privateScalar(key: CryptoKey): Promise<Uint8Array> {
  const { d } = await subtle.exportKey('jwk', key);
  if (!d) throw new Error('secagg: the masking private key did not export its scalar');
  const bytes = Uint8Array.from(atob(d.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  if (bytes.length !== SEED_BYTES) throw new Error(`secagg: a P-256 private scalar has ${SEED_BYTES} bytes, got ${bytes.length}`);
  return bytes;
}

/**
 * The pair secret HKDF-SHA256(ECDH(privateKey, publicKey).x, salt = empty, info) as a
 * non-extractable AES-256 key: AES-GCM for a channel, AES-CTR (the PRG) for a pairwise mask.
 * deriveKey all the way: each WebCrypto call costs more than the maths at this size.
 */
export async function agreeKey(privateKey: CryptoKey, publicKey: CryptoKey, info: Uint8Array, use: 'AES-GCM' | 'AES-CTR'): Promise<CryptoKey> {
  const ikm = await subtle.deriveKey({ name: 'ECDH', public: publicKey }, privateKey, 'HKDF', false, ['deriveKey']);
  const hkdf = { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: buffer(info) };
  return subtle.deriveKey(hkdf, ikm, { name: use, length: SEED_BYTES * 8 }, false, use === 'AES-GCM' ? ['encrypt', 'decrypt'] : ['encrypt']);
}

/** PRG(key, length): the AES-256-CTR keystream from counter block 0, as little-endian uint32. */
export async function keystream(key: CryptoKey, length: number): Promise<Uint32Array> {
  const counter = new Uint8Array(16);
  return keystreamWords(new Uint8Array(await subtle.encrypt({ name: 'AES-CTR', counter, length: 128 }, key, new Uint8Array(4 * length))));
}

/** PRG(seed, length) for a raw 32-byte seed (the self mask). */
export async function expandSeed(seed: Uint8Array, length: number): Promise<Uint32Array> {
  return keystream(await subtle.importKey('raw', buffer(seed), 'AES-CTR', false, ['encrypt']), length);
}

/** IV ‖ AES-256-GCM(key, IV, plaintext, aad). */
export async function seal(key: CryptoKey, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  const iv = randomBytes(IV_BYTES);
  const ciphertext = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv: buffer(iv), additionalData: buffer(aad) }, key, buffer(plaintext)));
  const out = new Uint8Array(IV_BYTES + ciphertext.length);
  out.set(iv);
  out.set(ciphertext, IV_BYTES);
  return out;
}

/** The plaintext of seal(), or an error if the key, the IV, the ciphertext or the AAD differ. */
export async function open(key: CryptoKey, aad: Uint8Array, sealed: Uint8Array, what: string): Promise<Uint8Array> {
  try {
    const iv = buffer(sealed.subarray(0, IV_BYTES));
    return new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv, additionalData: buffer(aad) }, key, buffer(sealed.subarray(IV_BYTES))));
  } catch {
    throw new Error(`secagg: ${what} failed authentication (wrong round, sender, receiver or a tampered ciphertext)`);
  }
}
