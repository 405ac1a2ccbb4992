/**
 * The ranker (defined by trainer/recsys/ranker.py): a shopper's recent history of item text
 * embeddings → click and purchase logits for every catalogue row, and the gradients of its
 * training loss with respect to the shared parameters and the shopper's personal offset.
 * Checked against PyTorch autograd on tests/golden/ranker.json.
 *
 *   x_i = P e_{h_i},  α = softmax_i(a · x_i + r[age_i]),  u = Σ_i α_i x_i + δ
 *   logit_k(j) = u · P e_j + w_k · f_j          k ∈ {click, purchase}
 *
 * Features (parameter-free): knn co-occurrence with the history and popularity (the
 * merchant's order data), in_history, last_cosine (text cosine with the newest item) and
 * no_orders (a product without order data, ranked by its text).
 *
 * u · P e_j is computed as (Pᵀu) · e_j: one pass over the int8 item matrix, the same cost as
 * a search query, instead of projecting every item.
 */
import { decodeFloat32, encodeFloat32 } from './float32-base64.ts';
import { itemVector, scoreAll, type ItemMatrix } from './item-matrix.ts';
import type { Neighbours } from './neighbours.ts';
import { softmax } from './softmax.ts';

export const RANKER_FEATURES = ['knn', 'popularity', 'in_history', 'last_cosine', 'no_orders'] as const;
export const RANKER_OUTPUTS = ['click', 'purchase'] as const;
const F = RANKER_FEATURES.length;
const K = RANKER_OUTPUTS.length;

export interface RankerWeights {
  dims: number;
  inputDims: number;
  maxHistory: number;
  /** dims × inputDims, row-major. */
  projection: Float32Array;
  attention: Float32Array;
  /** Attention bias by age (0 = the newest history item). */
  recency: Float32Array;
  /** outputs × features, row-major. */
  featureWeights: Float32Array;
  /** How the knn feature weights the history (set with the neighbour lists, not learned). */
  knn: { decay: number; maxHistory: number };
}

/** What the features are computed from. A new store has no order data: both may be null. */
export interface RankerContext {
  matrix: ItemMatrix;
  neighbours: Neighbours | null;
  /** Order counts per catalogue row. */
  popularity: Float32Array | null;
}

export interface RankerForward {
  click: Float32Array;
  purchase: Float32Array;
  /** Rows the attention saw (the last maxHistory of the history, oldest first) and their weights. */
  attended: number[];
  attention: Float64Array;
  user: Float64Array;
  /** rows × features, row-major. */
  features: Float32Array;
  /** x_i = P e_{h_i} for each attended row (attended.length × dims). */
  projected: Float64Array;
}

export interface RankerGradients {
  loss: number;
  projection: Float64Array;
  attention: Float64Array;
  recency: Float64Array;
  featureWeights: Float64Array;
  personal: Float64Array;
}

function positiveInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new Error(`ranker: "${what}" must be a positive integer`);
  return value;
}

export function parseRanker(json: unknown): RankerWeights {
  const obj = json as Record<string, unknown> | null;
  if (!obj || obj.format !== 1) throw new Error('ranker: unsupported format (expected 1)');
  const sameList = (key: string, expected: readonly string[]) => {
    const value = obj[key];
    if (!Array.isArray(value) || value.join() !== expected.join()) throw new Error(`ranker: "${key}" must be ${expected.join(', ')} (this build knows no others)`);
  };
  sameList('features', RANKER_FEATURES);
  sameList('outputs', RANKER_OUTPUTS);
  const dims = positiveInteger(obj.dims, 'dims');
  const inputDims = positiveInteger(obj.input_dims, 'input_dims');
  const maxHistory = positiveInteger(obj.max_history, 'max_history');
  const floats = (key: string, n: number) => {
    if (typeof obj[key] !== 'string') throw new Error(`ranker: "${key}" must be base64 float32`);
    const values = decodeFloat32(obj[key], n, `ranker: ${key}`);
    if (!values.every(Number.isFinite)) throw new Error(`ranker: "${key}" has a non-finite value`);
    return values;
  };
  const knn = obj.knn as { decay?: unknown; max_history?: unknown } | null;
  if (!knn || typeof knn.decay !== 'number' || !(knn.decay >= 0)) throw new Error('ranker: "knn.decay" must be a non-negative number');
  return {
    dims,
    inputDims,
    maxHistory,
    projection: floats('projection', dims * inputDims),
    attention: floats('attention', dims),
    recency: floats('recency', maxHistory),
    featureWeights: floats('feature_weights', K * F),
    knn: { decay: knn.decay, maxHistory: positiveInteger(knn.max_history, 'knn.max_history') },
  };
}

/** The JSON the trainer's export_ranker writes (format 1), for a ranker the server updated. */
export function serializeRanker(ranker: RankerWeights): Record<string, unknown> {
  return {
    format: 1,
    dims: ranker.dims,
    input_dims: ranker.inputDims,
    max_history: ranker.maxHistory,
    features: [...RANKER_FEATURES],
    outputs: [...RANKER_OUTPUTS],
    projection: encodeFloat32(ranker.projection),
    attention: encodeFloat32(ranker.attention),
    recency: encodeFloat32(ranker.recency),
    feature_weights: encodeFloat32(ranker.featureWeights),
    knn: { decay: ranker.knn.decay, max_history: ranker.knn.maxHistory },
  };
}

function checkInput(ranker: RankerWeights, context: RankerContext, history: readonly number[], personal?: Float32Array): void {
  const { matrix } = context;
  if (matrix.dims !== ranker.inputDims) throw new Error(`ranker: item matrix has ${matrix.dims} dims, the ranker expects ${ranker.inputDims}`);
  for (const row of history) {
    if (!Number.isInteger(row) || row < 0 || row >= matrix.rows) throw new Error(`ranker: history row ${row} is not in the catalogue (${matrix.rows} rows)`);
  }
  if (personal && personal.length !== ranker.dims) throw new Error(`ranker: personal offset has ${personal.length} dims, expected ${ranker.dims}`);
  if (context.popularity && context.popularity.length !== matrix.rows) throw new Error('ranker: popularity must have one count per catalogue row');
  if (context.neighbours && context.neighbours.offsets.length !== matrix.rows + 1) throw new Error('ranker: neighbour lists do not match the catalogue');
}

/** Parameter-free features per row, in RANKER_FEATURES order (trainer: FeatureSource.features). */
export function rankerFeatures(ranker: RankerWeights, context: RankerContext, history: readonly number[]): Float32Array {
  const { matrix, neighbours, popularity } = context;
  const out = new Float32Array(matrix.rows * F);
  if (neighbours) {
    const recent = history.slice(Math.max(0, history.length - ranker.knn.maxHistory));
    const knn = new Float64Array(matrix.rows);
    recent.forEach((item, i) => {
      const weight = ranker.knn.decay ** (recent.length - 1 - i);
      for (let p = neighbours.offsets[item]!; p < neighbours.offsets[item + 1]!; p++) knn[neighbours.rows[p]!]! += weight * neighbours.weights[p]!;
    });
    knn.forEach((value, row) => (out[row * F] = value));
  }
  if (popularity) {
    let max = 0;
    for (const count of popularity) max = Math.max(max, count);
    const norm = Math.max(Math.log1p(max), 1);
    popularity.forEach((count, row) => (out[row * F + 1] = Math.log1p(count) / norm));
  }
  // A product nobody has ordered yet (or a store without order data): ranked by its text.
  for (let row = 0; row < matrix.rows; row++) if (!popularity || popularity[row] === 0) out[row * F + 4] = 1;
  for (const row of history) out[row * F + 2] = 1;
  if (history.length) {
    const cosine = scoreAll(itemVector(matrix, history[history.length - 1]!), matrix);
    cosine.forEach((value, row) => (out[row * F + 3] = value));
  }
  return out;
}

/** Attention pooling of the history: x_i, α and u = Σ_i α_i x_i + δ (the forward pass up to u). */
function poolHistory(ranker: RankerWeights, matrix: ItemMatrix, history: readonly number[], personal?: Float32Array):
  Pick<RankerForward, 'attended' | 'attention' | 'user' | 'projected'> {
  const { dims, inputDims, projection } = ranker;
  const attended = history.slice(Math.max(0, history.length - ranker.maxHistory));
  const n = attended.length;
  const projected = new Float64Array(n * dims);
  const logits = new Float64Array(n);
  attended.forEach((row, i) => {
    const e = itemVector(matrix, row);
    let logit = ranker.recency[n - 1 - i]!;
    for (let o = 0; o < dims; o++) {
      let sum = 0;
      for (let d = 0; d < inputDims; d++) sum += projection[o * inputDims + d]! * e[d]!;
      projected[i * dims + o] = sum;
      logit += ranker.attention[o]! * sum;
    }
    logits[i] = logit;
  });
  const attention = softmax(logits);
  const user = new Float64Array(dims);
  for (let i = 0; i < n; i++) for (let o = 0; o < dims; o++) user[o]! += attention[i]! * projected[i * dims + o]!;
  if (personal) for (let o = 0; o < dims; o++) user[o]! += personal[o]!;
  return { attended, attention, user, projected };
}

/** u · P e_j for every row, as (Pᵀu) · e_j: one int8 matrix pass, the cost of a search query. */
function textScores(ranker: RankerWeights, matrix: ItemMatrix, user: Float64Array): Float32Array {
  const { dims, inputDims, projection } = ranker;
  const query = new Float32Array(inputDims);
  for (let o = 0; o < dims; o++) for (let d = 0; d < inputDims; d++) query[d]! += projection[o * inputDims + d]! * user[o]!;
  return scoreAll(query, matrix);
}

/** logit_k(j) = text_j + w_k · f_j; features null stands for all-zero w_k (the sum is then text_j exactly). */
function outputLogits(ranker: RankerWeights, text: Float32Array, features: Float32Array | null, k: number): Float32Array {
  const out = new Float32Array(text.length);
  if (!features) {
    out.set(text);
    return out;
  }
  const w = ranker.featureWeights.subarray(k * F, (k + 1) * F);
  for (let j = 0; j < out.length; j++) {
    let s = text[j]!;
    for (let f = 0; f < F; f++) s += w[f]! * features[j * F + f]!;
    out[j] = s;
  }
  return out;
}

export function rankerForward(ranker: RankerWeights, context: RankerContext, history: readonly number[], personal?: Float32Array): RankerForward {
  checkInput(ranker, context, history, personal);
  const pooled = poolHistory(ranker, context.matrix, history, personal);
  const text = textScores(ranker, context.matrix, pooled.user);
  const features = rankerFeatures(ranker, context, history);
  const [click, purchase] = RANKER_OUTPUTS.map((_, k) => outputLogits(ranker, text, features, k)) as [Float32Array, Float32Array];
  return { click, purchase, ...pooled, features };
}

function checkTarget(context: RankerContext, target: number): void {
  if (!Number.isInteger(target) || target < 0 || target >= context.matrix.rows) throw new Error(`ranker: target row ${target} is not in the catalogue`);
}

/**
 * The loss's head, shared by both backward passes: loss = Σ_k λ_k · CE(softmax(logit_k), target)
 * and G_j = Σ_k g_kj with g_k = λ_k (p_k − onehot). An output with λ_k = 0 is skipped (its
 * logits may be null); `each` sees every other output's g_k (for ∂w_k).
 */
function lossHead(logits: readonly (Float32Array | null)[], rows: number, target: number, lossWeights: readonly [number, number],
  each?: (k: number, g: Float64Array) => void): { loss: number; total: Float64Array } {
  let loss = 0;
  const total = new Float64Array(rows);
  logits.forEach((output, k) => {
    const lambda = lossWeights[k]!;
    if (lambda === 0) return;
    if (!output) throw new Error(`ranker: logits of output ${RANKER_OUTPUTS[k]} are needed for its loss`);
    const p = softmax(output);
    loss -= lambda * Math.log(p[target]!);
    const g = new Float64Array(rows);
    for (let j = 0; j < rows; j++) {
      g[j] = lambda * (p[j]! - (j === target ? 1 : 0));
      total[j]! += g[j]!;
    }
    each?.(k, g);
  });
  return { loss, total };
}

/** v = Σ_j G_j e_j (one int8 matrix pass) and ∂u = P v. */
function userGradient(ranker: RankerWeights, matrix: ItemMatrix, total: Float64Array): { v: Float64Array; dUser: Float64Array } {
  const { dims, inputDims, projection } = ranker;
  const { codes, scales } = matrix;
  const v = new Float64Array(inputDims);
  // Four rows per sweep over v: a quarter of the read-modify-writes of v, 1.6–2× faster in V8
  // (4,385 × 384: 4.3 → 2.6 ms in Node on the CI machine). It runs once per learned event.
  let j = 0;
  for (; j + 4 <= total.length; j += 4) {
    const w0 = total[j]! * scales[j]!;
    const w1 = total[j + 1]! * scales[j + 1]!;
    const w2 = total[j + 2]! * scales[j + 2]!;
    const w3 = total[j + 3]! * scales[j + 3]!;
    const o0 = j * inputDims;
    const o1 = o0 + inputDims;
    const o2 = o1 + inputDims;
    const o3 = o2 + inputDims;
    for (let d = 0; d < inputDims; d++) v[d]! += w0 * codes[o0 + d]! + w1 * codes[o1 + d]! + w2 * codes[o2 + d]! + w3 * codes[o3 + d]!;
  }
  for (; j < total.length; j++) {
    const weight = total[j]! * scales[j]!;
    const offset = j * inputDims;
    for (let d = 0; d < inputDims; d++) v[d]! += weight * codes[offset + d]!;
  }
  const dUser = new Float64Array(dims);
  for (let o = 0; o < dims; o++) {
    let sum = 0;
    for (let d = 0; d < inputDims; d++) sum += projection[o * inputDims + d]! * v[d]!;
    dUser[o] = sum;
  }
  return { v, dUser };
}

/**
 * Loss = Σ_k lossWeights[k] · cross-entropy(softmax over the catalogue of logit_k, target),
 * the trainer's loss with lossWeights [0.5, 0.5]; an event of one kind (a view is a click)
 * trains its own output with [1, 0] or [0, 1]. Hand-derived backward pass:
 *   g_k = λ_k (p_k − onehot),  G = Σ_k g_k,  v = Σ_j G_j e_j
 *   ∂u = P v,  ∂P += u vᵀ,  ∂w_k = Σ_j g_kj f_j,  ∂δ = ∂u
 *   ∂logit_i = α_i (∂u·x_i − Σ_m α_m ∂u·x_m),  ∂x_i = α_i ∂u + ∂logit_i a
 *   ∂a = Σ_i ∂logit_i x_i,  ∂r[age_i] += ∂logit_i,  ∂P += Σ_i ∂x_i e_{h_i}ᵀ
 */
export function rankerGradients(ranker: RankerWeights, context: RankerContext, history: readonly number[], target: number,
  lossWeights: readonly [number, number] = [0.5, 0.5], personal?: Float32Array): RankerGradients {
  const { matrix } = context;
  checkTarget(context, target);
  const forward = rankerForward(ranker, context, history, personal);
  const { dims, inputDims } = ranker;
  const rows = matrix.rows;

  const featureWeights = new Float64Array(K * F);
  const { loss, total } = lossHead([forward.click, forward.purchase], rows, target, lossWeights, (k, g) => {
    for (let j = 0; j < rows; j++) for (let f = 0; f < F; f++) featureWeights[k * F + f]! += g[j]! * forward.features[j * F + f]!;
  });
  const { v, dUser } = userGradient(ranker, matrix, total);
  const dProjection = new Float64Array(dims * inputDims);
  for (let o = 0; o < dims; o++) for (let d = 0; d < inputDims; d++) dProjection[o * inputDims + d] = forward.user[o]! * v[d]!;

  const { attended, attention: alpha, projected } = forward;
  const n = attended.length;
  const dOverX = Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let o = 0; o < dims; o++) s += dUser[o]! * projected[i * dims + o]!;
    return s;
  });
  let mean = 0;
  for (let i = 0; i < n; i++) mean += alpha[i]! * dOverX[i]!;
  const dAttention = new Float64Array(dims);
  const dRecency = new Float64Array(ranker.maxHistory);
  attended.forEach((row, i) => {
    const dLogit = alpha[i]! * (dOverX[i]! - mean);
    dRecency[n - 1 - i]! += dLogit;
    const e = itemVector(matrix, row);
    for (let o = 0; o < dims; o++) {
      dAttention[o]! += dLogit * projected[i * dims + o]!;
      const dx = alpha[i]! * dUser[o]! + dLogit * ranker.attention[o]!;
      for (let d = 0; d < inputDims; d++) dProjection[o * inputDims + d]! += dx * e[d]!;
    }
  });
  return { loss, projection: dProjection, attention: dAttention, recency: dRecency, featureWeights, personal: dUser };
}

/**
 * The loss and ∂loss/∂δ alone, equal to rankerGradients' `loss` and `personal` bit for bit, for
 * the on-device learner that trains only δ. It skips what δ's gradient does not need: the
 * 64 × 384 ∂P terms of every history item, the logits of an output with no loss weight, and
 * the features (one more matrix pass, for last_cosine) when the trained outputs give them no
 * weight, as in the text prior a store without order data ships. About half the work per event.
 */
export function personalGradient(ranker: RankerWeights, context: RankerContext, history: readonly number[], target: number,
  lossWeights: readonly [number, number], personal?: Float32Array): { loss: number; personal: Float64Array } {
  checkInput(ranker, context, history, personal);
  checkTarget(context, target);
  const trained = RANKER_OUTPUTS.map((_, k) => lossWeights[k] !== 0);
  const usesFeatures = trained.some((on, k) => on && ranker.featureWeights.subarray(k * F, (k + 1) * F).some((w) => w !== 0));
  const features = usesFeatures ? rankerFeatures(ranker, context, history) : null;
  const { user } = poolHistory(ranker, context.matrix, history, personal);
  const text = textScores(ranker, context.matrix, user);
  const logits = trained.map((on, k) => (on ? outputLogits(ranker, text, features, k) : null));
  const { loss, total } = lossHead(logits, context.matrix.rows, target, lossWeights);
  return { loss, personal: userGradient(ranker, context.matrix, total).dUser };
}

/**
 * Which history item most raised row j's score (for "because you viewed …"): its attention
 * share of the text score plus its share of the knn feature, under the objective's mix of the
 * two outputs' feature weights. Null when the history is empty.
 */
export function explainRow(ranker: RankerWeights, context: RankerContext, forward: RankerForward, history: readonly number[], row: number,
  objective: readonly [number, number] = [0.5, 0.5]): number | null {
  if (!history.length) return null;
  const { dims, inputDims, projection } = ranker;
  const e = itemVector(context.matrix, row);
  const z = new Float64Array(dims);
  for (let o = 0; o < dims; o++) for (let d = 0; d < inputDims; d++) z[o]! += projection[o * inputDims + d]! * e[d]!;
  const knnWeight = objective[0] * ranker.featureWeights[0]! + objective[1] * ranker.featureWeights[F]!;
  const contribution = new Map<number, number>();
  const add = (item: number, value: number) => contribution.set(item, (contribution.get(item) ?? 0) + value);
  forward.attended.forEach((item, i) => {
    let dot = 0;
    for (let o = 0; o < dims; o++) dot += forward.projected[i * dims + o]! * z[o]!;
    add(item, forward.attention[i]! * dot);
  });
  const { neighbours } = context;
  if (neighbours) {
    const recent = history.slice(Math.max(0, history.length - ranker.knn.maxHistory));
    recent.forEach((item, i) => {
      for (let p = neighbours.offsets[item]!; p < neighbours.offsets[item + 1]!; p++) {
        if (neighbours.rows[p] === row) add(item, knnWeight * ranker.knn.decay ** (recent.length - 1 - i) * neighbours.weights[p]!);
      }
    });
  }
  let best: number | null = null;
  let bestValue = -Infinity;
  for (const [item, value] of contribution) {
    if (item !== row && value > bestValue) [best, bestValue] = [item, value];
  }
  return best;
}
