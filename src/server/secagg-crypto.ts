/**
 * The server's SecAgg+ primitives on node:crypto, byte for byte what the client's WebCrypto
 * computes (src/client/secagg-crypto.ts; tests/server/secagg-crypto.test.ts). The server needs
 * only the masking side: it regenerates self masks from rebuilt seeds and a dropped client's
 * pairwise masks from its rebuilt masking key. It never holds a channel key.
 */
import { createCipheriv, createECDH, hkdfSync, ECDH } from 'node:crypto';
import { keystreamWords, SEED_BYTES } from '../core/secagg-protocol.ts';

/** Throws unless `raw` is an uncompressed point on P-256. */
export function checkCurvePoint(raw: Uint8Array, what: string): void {
  try {
    ECDH.convertKey(raw, 'prime256v1');
  } catch {
    throw new Error(`secagg: ${what} is not a point on P-256`);
  }
}

/** HKDF-SHA256(ECDH(d, B_i).x, salt = empty, info_i) for each public key B_i. */
export function pairSecrets(privateScalar: Uint8Array, publicKeys: readonly Uint8Array[], infos: readonly Uint8Array[]): Uint8Array[] {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(privateScalar);
  return publicKeys.map((key, i) => new Uint8Array(hkdfSync('sha256', ecdh.computeSecret(key), new Uint8Array(0), infos[i]!, SEED_BYTES)));
}

/** PRG(seed, length): the AES-256-CTR keystream from counter block 0, as little-endian uint32. */
export function expandSeed(seed: Uint8Array, length: number): Uint32Array {
  const cipher = createCipheriv('aes-256-ctr', seed, new Uint8Array(16));
  return keystreamWords(new Uint8Array(cipher.update(new Uint8Array(4 * length))));
}
