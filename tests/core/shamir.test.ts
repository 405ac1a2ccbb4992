import { describe, expect, it } from 'vitest';
import { bigIntToBytes, bytesToBigInt, combine, SHAMIR_PRIME, SHARE_BYTES, split, type Share } from '../../src/core/shamir.ts';
import { seededBytes } from '../support/seeded-bytes.ts';

const P = SHAMIR_PRIME;
const secretOf = (seed: string) => seededBytes(seed)(32);

describe('Shamir secret sharing over GF(2^521 − 1)', () => {
  it('reconstructs the secret from any t of n shares, in any order', () => {
    const secret = secretOf('a');
    const shares = split(secret, 4, [3, 7, 8, 12, 20, 41, 1000], seededBytes('coefficients'));
    expect(shares.map((s) => s.x)).toEqual([3, 7, 8, 12, 20, 41, 1000]);
    for (const subset of [[0, 1, 2, 3], [6, 5, 4, 3], [1, 3, 5, 6], [0, 2, 4, 6, 1]]) {
      expect(combine(subset.map((i) => shares[i]!), 4)).toEqual(secret);
    }
  });

  it('handles the extremes: threshold 1, the largest 32-byte secret and the zero secret', () => {
    const max = new Uint8Array(32).fill(0xff);
    expect(combine(split(max, 3, [1, 2, 3], seededBytes('m')), 3)).toEqual(max);
    expect(combine(split(new Uint8Array(32), 2, [5, 9], seededBytes('z')), 2)).toEqual(new Uint8Array(32));
    const one = split(max, 1, [4, 6], seededBytes('one'));
    expect(combine([one[1]!], 1)).toEqual(max);
  });

  it('gives no information from t − 1 shares: two different secrets yield exactly the same t − 1 shares', () => {
    // f_A has random coefficients; q(x) = Π_{i<t} (x − x_i) vanishes at the first t − 1 points, so
    // f_B = f_A + λq with λ = (B − A)/q(0) has f_B(0) = B, the same degree bound and the same
    // values at those points. Feeding split() f_B's coefficients as its "randomness" shows that
    // a real run of split(B) can produce them.
    const t = 5;
    const points = [2, 3, 5, 7, 11, 13];
    const known = points.slice(0, t - 1);
    const A = secretOf('A');
    const B = secretOf('B');
    const coefficientsA = Array.from({ length: t - 1 }, (_, i) => bytesToBigInt(seededBytes(`cA${i}`)(SHARE_BYTES)) % P);
    let queue = coefficientsA.map((c) => bigIntToBytes(c, SHARE_BYTES));
    const sharesA = split(A, t, points, () => queue.shift()!);

    let q = [1n]; // coefficients of Π (x − x_i), lowest degree first
    for (const xi of known) {
      const next = new Array<bigint>(q.length + 1).fill(0n);
      q.forEach((c, d) => {
        next[d + 1] = (next[d + 1]! + c) % P;
        next[d] = (((next[d]! - c * BigInt(xi)) % P) + P) % P;
      });
      q = next;
    }
    const power = (base: bigint, exp: bigint): bigint => {
      let result = 1n;
      for (let b = base % P, e = exp; e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) result = (result * b) % P;
      return result;
    };
    const lambda = ((((bytesToBigInt(B) - bytesToBigInt(A)) % P) + P) % P) * power(q[0]!, P - 2n) % P;
    queue = coefficientsA.map((c, i) => bigIntToBytes((c + lambda * q[i + 1]!) % P, SHARE_BYTES));
    const sharesB = split(B, t, points, () => queue.shift()!);

    expect(A).not.toEqual(B);
    expect(sharesB.slice(0, t - 1)).toEqual(sharesA.slice(0, t - 1));
    expect(sharesB[t - 1]!.y).not.toEqual(sharesA[t - 1]!.y);
    expect(combine(sharesA.slice(0, t), t)).toEqual(A);
    expect(combine(sharesB.slice(0, t), t)).toEqual(B);
  });

  it('refuses fewer than t shares, duplicate points and malformed input with clear errors', () => {
    const secret = secretOf('s');
    const shares = split(secret, 3, [1, 2, 3, 4], seededBytes('r'));
    expect(() => combine(shares.slice(0, 2), 3)).toThrow('shamir: 2 shares cannot reconstruct a secret shared with threshold 3');
    expect(() => combine([shares[0]!, shares[1]!, shares[0]!], 3)).toThrow('shamir: evaluation point 1 appears twice');
    expect(() => split(secret, 2, [1, 2, 1], seededBytes('r'))).toThrow('shamir: evaluation point 1 appears twice');
    expect(() => split(secret, 2, [0, 2], seededBytes('r'))).toThrow('evaluation point 0 must be a positive integer');
    expect(() => split(secret, 5, [1, 2, 3, 4], seededBytes('r'))).toThrow('threshold 5 must be between 1 and the 4 shareholders');
    expect(() => split(new Uint8Array(31), 2, [1, 2], seededBytes('r'))).toThrow('the secret has 31 bytes, expected 32');
    expect(() => split(secret, 2, [1, 2], () => new Uint8Array(8))).toThrow('randomBytes returned 8 bytes');
    const tooBig: Share = { x: 9, y: new Uint8Array(SHARE_BYTES).fill(0xff) };
    expect(() => combine([shares[0]!, shares[1]!, tooBig], 3)).toThrow('the share for point 9 is not a field element');
  });

  it('does not detect a chosen corruption: shifting every share shifts the secret, silently', () => {
    const secret = secretOf('victim');
    const shares = split(secret, 3, [1, 2, 3], seededBytes('r'));
    // The Lagrange weights at 0 sum to 1, so adding c to every share adds c to the secret.
    const shifted = shares.map((s) => ({ x: s.x, y: bigIntToBytes((bytesToBigInt(s.y) + 1n) % P, SHARE_BYTES) }));
    const forged = combine(shifted, 3);
    expect(bytesToBigInt(forged)).toBe(bytesToBigInt(secret) + 1n);
  });

  it('does not detect an accidental corruption either: a flipped bit gives a wrong secret', () => {
    const secret = secretOf('x');
    const shares = split(secret, 3, [1, 2, 3], seededBytes('r'));
    const flipped = shares.map((s, i) => (i === 1 ? { x: s.x, y: s.y.map((b, j) => (j === 40 ? b ^ 1 : b)) } : s));
    expect(combine(flipped, 3)).not.toEqual(secret);
  });
});
