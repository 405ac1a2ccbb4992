/**
 * Which of the ranker's weights federated rounds train, as one flat vector, in the order of
 * trainer/federated/client.py (Layout, federated_vector, with_vector):
 *
 *   projection P (dims × inputDims, row-major), attention a, recency r,
 *   feature weights of in_history and last_cosine for each output (outputs × 2, row-major)
 *
 * Browsers compute only these features themselves (no order data), so the other feature
 * weights never move and no noise ever lands on them.
 */
import { RANKER_FEATURES, RANKER_OUTPUTS, type RankerGradients, type RankerWeights } from './ranker.ts';

export const CLIENT_FEATURES = [RANKER_FEATURES.indexOf('in_history'), RANKER_FEATURES.indexOf('last_cosine')] as const;

export function federatedLength(ranker: Pick<RankerWeights, 'dims' | 'inputDims' | 'maxHistory'>): number {
  return ranker.dims * ranker.inputDims + ranker.dims + ranker.maxHistory + RANKER_OUTPUTS.length * CLIENT_FEATURES.length;
}

type FederatedParts = Pick<RankerWeights | RankerGradients, 'projection' | 'attention' | 'recency' | 'featureWeights'>;

function flatten(parts: FederatedParts): Float64Array {
  const out = new Float64Array(parts.projection.length + parts.attention.length + parts.recency.length + RANKER_OUTPUTS.length * CLIENT_FEATURES.length);
  let at = 0;
  for (const part of [parts.projection, parts.attention, parts.recency]) {
    out.set(part, at);
    at += part.length;
  }
  for (let k = 0; k < RANKER_OUTPUTS.length; k++) {
    for (const f of CLIENT_FEATURES) out[at++] = parts.featureWeights[k * RANKER_FEATURES.length + f]!;
  }
  return out;
}

export function federatedVector(ranker: RankerWeights): Float64Array {
  return flatten(ranker);
}

/** A gradient of the ranker's loss (ranker.ts rankerGradients) restricted to the federated weights, in the same order. */
export function federatedGradient(gradients: RankerGradients): Float64Array {
  return flatten(gradients);
}

/** A copy of `ranker` whose federated weights are `vector` (rounded to float32); the rest unchanged. */
export function withFederatedVector(ranker: RankerWeights, vector: ArrayLike<number>): RankerWeights {
  if (vector.length !== federatedLength(ranker)) throw new Error(`federated parameters: the vector has ${vector.length} values, the ranker's federated parameters ${federatedLength(ranker)}`);
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) throw new Error(`federated parameters: value ${i} is ${vector[i]}`);
  }
  let at = 0;
  const take = (n: number) => Float32Array.from({ length: n }, () => vector[at++]!);
  const projection = take(ranker.projection.length);
  const attention = take(ranker.attention.length);
  const recency = take(ranker.recency.length);
  const featureWeights = Float32Array.from(ranker.featureWeights);
  for (let k = 0; k < RANKER_OUTPUTS.length; k++) {
    for (const f of CLIENT_FEATURES) featureWeights[k * RANKER_FEATURES.length + f] = vector[at++]!;
  }
  return { ...ranker, projection, attention, recency, featureWeights };
}
