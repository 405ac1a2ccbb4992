import { describe, expect, it } from 'vitest';
import { agreeKey, expandSeed as webExpandSeed, generateKeyPair, exportPublicKey, importPublicKey, keystream, privateScalar } from '../../src/client/secagg-crypto.ts';
import { keystreamWords, pairInfo } from '../../src/core/secagg-protocol.ts';
import { checkCurvePoint, expandSeed as nodeExpandSeed, pairSecrets } from '../../src/server/secagg-crypto.ts';
import { seededBytes } from '../support/seeded-bytes.ts';

async function keyPair() {
  const pair = await generateKeyPair(true);
  return { pair, raw: await exportPublicKey(pair.publicKey), scalar: await privateScalar(pair.privateKey) };
}

describe('the server\'s node:crypto agrees with the client\'s WebCrypto byte for byte', () => {
  it('on the PRG from a raw seed, over lengths inside, at and across AES blocks', async () => {
    const random = seededBytes('prg');
    for (const length of [1, 3, 4, 5, 257, 25_000]) {
      const seed = random(32);
      expect(await webExpandSeed(seed, length)).toEqual(nodeExpandSeed(seed, length));
    }
  });

  it('on a known answer: AES-256 of the zero block under the zero key, read as little-endian words', async () => {
    // AES-256(K = 0, 0^128) = dc95c078 a2408989 ad48a214 92842087 (the first counter block is 0).
    const words = [0x78c095dc, 0x898940a2, 0x14a248ad, 0x87208492];
    expect(Array.from(await webExpandSeed(new Uint8Array(32), 4))).toEqual(words);
    expect(Array.from(nodeExpandSeed(new Uint8Array(32), 4))).toEqual(words);
  });

  it('on the pairwise mask: ECDH, HKDF and the PRG, from either end of the pair', async () => {
    const [a, b] = await Promise.all([keyPair(), keyPair()]);
    const info = pairInfo('mask', 'round-7', 4, 9);
    const web = await keystream(await agreeKey(a.pair.privateKey, await importPublicKey(b.raw), info, 'AES-CTR'), 1000);
    const webOtherEnd = await keystream(await agreeKey(b.pair.privateKey, await importPublicKey(a.raw), info, 'AES-CTR'), 1000);
    const [node] = pairSecrets(a.scalar, [b.raw], [info]);
    const [nodeOtherEnd] = pairSecrets(b.scalar, [a.raw], [info]);
    expect(web).toEqual(nodeExpandSeed(node!, 1000));
    expect(webOtherEnd).toEqual(web);
    expect(nodeOtherEnd).toEqual(node);
    expect(web.some((w) => w !== 0)).toBe(true);
  });

  it('binds the pair secret to its round and purpose', async () => {
    const [a, b] = await Promise.all([keyPair(), keyPair()]);
    const secrets = pairSecrets(a.scalar, [b.raw, b.raw, b.raw], [pairInfo('mask', 'r1', 1, 2), pairInfo('mask', 'r2', 1, 2), pairInfo('channel', 'r1', 1, 2)]);
    expect(new Set(secrets.map((s) => Buffer.from(s).toString('hex'))).size).toBe(3);
    expect(pairInfo('mask', 'r1', 2, 1)).toEqual(pairInfo('mask', 'r1', 1, 2));
  });

  it('both refuse a public key that is not on P-256', async () => {
    const { raw } = await keyPair();
    const off = raw.slice();
    off[64]! ^= 1;
    expect(() => checkCurvePoint(off, 'the key')).toThrow('secagg: the key is not a point on P-256');
    await expect(importPublicKey(off)).rejects.toThrow();
    expect(() => checkCurvePoint(raw, 'the key')).not.toThrow();
  });

  it('exports the masking key as the 32-byte scalar node:crypto accepts', async () => {
    const { scalar, raw } = await keyPair();
    expect(scalar.length).toBe(32);
    const [x] = pairSecrets(scalar, [raw], [new Uint8Array(1)]);
    expect(x!.length).toBe(32);
  });

  it('reads keystreams as little-endian words and refuses a partial word', () => {
    expect(Array.from(keystreamWords(Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0x80)))).toEqual([1, 0x8000_0000]);
    expect(Array.from(keystreamWords(Uint8Array.of(9, 1, 0, 0, 0, 0x80).subarray(1, 5)))).toEqual([1]);
    expect(() => keystreamWords(new Uint8Array(6))).toThrow('whole 32-bit words');
  });
});
