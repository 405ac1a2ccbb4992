/**
 * The federated parameters of the ranker as one flat vector, in the order the trainer defines
 * (trainer/federated/client.py: Layout, federated_vector, with_vector) so that a browser's
 * update and the server's sum line up value for value:
 *
 *   projection P (dims × inputDims, row-major) ‖ attention a (dims) ‖ recency r (maxHistory)
 *   ‖ feature weights [click, purchase] × [in_history, last_cosine]
 *
 * Only what a browser can learn is federated: it has no merchant order data, so knn and
 * popularity are 0 and no_orders is 1 for every item, and their weights get no gradient a
 * softmax would notice (a constant feature shifts every logit of a row alike).
 */
import { RANKER_FEATURES, RANKER_OUTPUTS, type RankerGradients, type RankerWeights } from './ranker.ts';

/** The features whose weights are federated (trainer: CLIENT_FEATURES). */
export const FEDERATED_FEATURES = ['in_history', 'last_cosine'] as const;
const FEATURE_COLUMNS = FEDERATED_FEATURES.map((name) => RANKER_FEATURES.indexOf(name));
const F = RANKER_FEATURES.length;
const K = RANKER_OUTPUTS.length;

export interface FederatedLayout {
  /** Values of P, a, r and the federated feature weights, in vector order. */
  sizes: readonly [number, number, number, number];
  /** The vector's length: a round's `length` must equal it. */
  size: number;
}

export function federatedLayout(ranker: Pick<RankerWeights, 'dims' | 'inputDims' | 'maxHistory'>): FederatedLayout {
  const sizes = [ranker.dims * ranker.inputDims, ranker.dims, ranker.maxHistory, K * FEATURE_COLUMNS.length] as const;
  return { sizes, size: sizes.reduce((a, b) => a + b, 0) };
}

/** P, a, r and the federated feature weights (or their gradients) concatenated in layout order. */
function flatten(ranker: RankerWeights, parts: { projection: ArrayLike<number>; attention: ArrayLike<number>; recency: ArrayLike<number>; featureWeights: ArrayLike<number> }): Float64Array {
  const layout = federatedLayout(ranker);
  const out = new Float64Array(layout.size);
  let at = 0;
  for (const part of [parts.projection, parts.attention, parts.recency]) {
    for (let i = 0; i < part.length; i++) out[at++] = part[i]!;
  }
  for (let k = 0; k < K; k++) for (const column of FEATURE_COLUMNS) out[at++] = parts.featureWeights[k * F + column]!;
  return out;
}

/** The ranker's federated parameters as one vector (trainer: federated_vector). */
export function federatedVector(ranker: RankerWeights): Float64Array {
  return flatten(ranker, ranker);
}

/** A gradient of the ranker's loss, restricted to the federated parameters, in the same order. */
export function federatedGradient(ranker: RankerWeights, gradients: RankerGradients): Float64Array {
  return flatten(ranker, gradients);
}

/**
 * A copy of `ranker` whose federated parameters are `vector` and the rest unchanged (trainer:
 * with_vector). The values become float32, as the trainer's parameters are.
 */
export function withFederatedVector(ranker: RankerWeights, vector: ArrayLike<number>): RankerWeights {
  const layout = federatedLayout(ranker);
  if (vector.length !== layout.size) throw new Error(`federated parameters: the vector has ${vector.length} values, the ranker's federated parameters ${layout.size}`);
  let at = 0;
  const take = (n: number) => {
    const part = new Float32Array(n);
    for (let i = 0; i < n; i++) part[i] = vector[at++]!;
    return part;
  };
  const [projection, attention, recency] = [take(layout.sizes[0]), take(layout.sizes[1]), take(layout.sizes[2])];
  const featureWeights = ranker.featureWeights.slice();
  for (let k = 0; k < K; k++) for (const column of FEATURE_COLUMNS) featureWeights[k * F + column] = vector[at++]!;
  return { ...ranker, projection, attention, recency, featureWeights, knn: { ...ranker.knn } };
}
