/**
 * The unmasking of a SecAgg+ round as one pure function, apart from the message handling in
 * secagg-server.ts: from the survivors' masked inputs and the shares their neighbours revealed, the
 * exact sum of the survivors' inputs mod 2^32.
 *
 *   Σ_{u∈S} y_u = Σ_{u∈S} x_u + Σ_{u∈S} PRG(b_u) + Σ_{u∈S, v∈N(u)∖S} ±PRG(s_uv)
 *
 * (pairwise masks between two survivors cancel). Each b_u is rebuilt from t shares; each dropped
 * client v's masking key is rebuilt from t shares and its masks with surviving neighbours are
 * regenerated from it.
 */
import { addInto, subtractInto } from '../core/ring.ts';
import { maskSign, pairInfo } from '../core/secagg-protocol.ts';
import { combine, type Share } from '../core/shamir.ts';
import { expandSeed, pairSecrets } from './secagg-crypto.ts';

export interface DroppedClient {
  /** Shares of its masking private key. */
  shares: readonly Share[];
  /** Its neighbours whose masked inputs arrived, with their masking public keys. */
  survivingNeighbours: readonly { index: number; maskingKey: Uint8Array }[];
}

export interface Unmasking {
  roundId: string;
  length: number;
  threshold: number;
  /** y_u for every survivor u. */
  masked: ReadonlyMap<number, Uint32Array>;
  /** Shares of each survivor's self-mask seed b_u. */
  selfMaskShares: ReadonlyMap<number, readonly Share[]>;
  /** Clients that shared keys but whose masked input never arrived. */
  dropped: ReadonlyMap<number, DroppedClient>;
}

function rebuild(shares: readonly Share[] | undefined, threshold: number, what: string): Uint8Array {
  const count = shares?.length ?? 0;
  if (count < threshold) throw new Error(`secagg: ${what} has ${count} shares, the threshold is ${threshold}`);
  return combine(shares!, threshold);
}

export function unmaskSum(unmasking: Unmasking): Uint32Array {
  const { roundId, length, threshold } = unmasking;
  const sum = new Uint32Array(length);
  for (const [u, y] of unmasking.masked) {
    if (y.length !== length) throw new Error(`secagg: the masked input of client ${u} has ${y.length} values, expected ${length}`);
    addInto(sum, y);
    subtractInto(sum, expandSeed(rebuild(unmasking.selfMaskShares.get(u), threshold, `the self-mask seed of client ${u}`), length));
  }
  for (const [v, { shares, survivingNeighbours }] of unmasking.dropped) {
    const key = rebuild(shares, threshold, `the masking key of dropped client ${v}`);
    const seeds = pairSecrets(key, survivingNeighbours.map((n) => n.maskingKey), survivingNeighbours.map((n) => pairInfo('mask', roundId, n.index, v)));
    survivingNeighbours.forEach(({ index: u }, i) => {
      // u applied maskSign(u, v)·PRG(s_uv); take it back out.
      (maskSign(u, v) > 0 ? subtractInto : addInto)(sum, expandSeed(seeds[i]!, length));
    });
  }
  return sum;
}
