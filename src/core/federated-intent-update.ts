/**
 * The update a browser contributes to the intent head (trainer/federated/intent_client.py
 * defines it): the head is refined from the shopper's own searches and the category of the
 * product each search led to. Only the category layer is federated. A row is the query's
 * L2-normalised embedding (the browser's encoder) and the category's index in the head; the
 * update is `steps` full-batch SGD steps on the mean cross-entropy of the category softmax,
 * from the round's layer, in float64, sent as the trained layer minus the round's in
 * intentVector's order (weight row-major, then bias). The caller clips and encodes it as it
 * does the ranker's. Checked against PyTorch on tests/golden/federated-intent-update.json.
 */
import { isWanted, type BehaviourEvent } from './behaviour-event.ts';
import { checkTraining, type LocalTraining } from './federated-update.ts';
import type { IntentLayer } from './intent-head.ts';
import { softmax } from './softmax.ts';

export interface IntentRow {
  /** The query's embedding, as the encoder gives it (L2-normalised). */
  embedding: Float32Array;
  /** The category's index in the head (IntentHead.categories). */
  label: number;
}

/** The browser's local training of the intent layer: trainer/federated/intent_client.py IntentLocalConfig's defaults. */
export const DEFAULT_INTENT_TRAINING: Readonly<LocalTraining> = Object.freeze({ steps: 3, learningRate: 0.5 });

/** A product's category intent, the head's label for it: its category path's first two levels (trainer.catalog_queries.intent_of). */
export function intentOf(category: readonly string[]): string {
  return category.slice(0, 2).join(' > ');
}

/**
 * The rows a device learns the intent head from: each search whose embedding was kept by model
 * version `version`'s encoder, labelled with the category intent of the product the shopper
 * then chose from its results (the next wanted event placed 'search' that names its category,
 * before any other search). Searches that led nowhere, embeddings of another version (a new
 * encoder reads queries into another space), and products in a category the head does not
 * know give no row. The most recent `limit` rows.
 */
export function intentRows(events: readonly BehaviourEvent[], head: { version: string; categories: readonly string[]; dims: number }, limit: number): IntentRow[] {
  const { version, categories, dims } = head;
  const labelOf = new Map(categories.map((name, index) => [name, index]));
  const rows: IntentRow[] = [];
  let pending: number[] | null = null;
  for (const event of events) {
    if (event.type === 'search') {
      pending = event.embeddedBy === version && event.embedding?.length === dims ? event.embedding : null;
      continue;
    }
    if (!pending || !isWanted(event.type) || event.placement !== 'search' || !event.category) continue;
    const label = labelOf.get(intentOf(event.category));
    if (label !== undefined) rows.push({ embedding: Float32Array.from(pending), label });
    pending = null;
  }
  return rows.slice(-limit);
}

/** How many values a round for this layer sums: its weight and its bias. */
export function intentLength(layer: Pick<IntentLayer, 'rows' | 'cols'>): number {
  return layer.rows * layer.cols + layer.rows;
}

/** A layer's federated parameters: its weight row-major, then its bias. */
export function intentVector(layer: IntentLayer): Float64Array {
  const vector = new Float64Array(intentLength(layer));
  vector.set(layer.weight);
  vector.set(layer.bias, layer.rows * layer.cols);
  return vector;
}

/** The layer with `vector`'s values, rounded to float32 as the head file stores them. */
export function withIntentVector(layer: IntentLayer, vector: ArrayLike<number>): IntentLayer {
  const size = layer.rows * layer.cols;
  if (vector.length !== intentLength(layer)) throw new Error(`federated intent update: a vector for ${layer.rows} × ${layer.cols} has ${intentLength(layer)} values, got ${vector.length}`);
  return { ...layer, weight: Float32Array.from({ length: size }, (_, i) => vector[i]!), bias: Float32Array.from({ length: layer.rows }, (_, i) => vector[size + i]!) };
}

function checkRows(layer: IntentLayer, rows: readonly IntentRow[]): void {
  if (rows.length === 0) throw new Error('federated intent update: no rows to learn from');
  for (const row of rows) {
    if (row.embedding.length !== layer.cols) throw new Error(`federated intent update: an embedding has ${row.embedding.length} dims, the head ${layer.cols}`);
    if (!Number.isInteger(row.label) || row.label < 0 || row.label >= layer.rows) throw new Error(`federated intent update: label ${row.label} does not index the head's ${layer.rows} categories`);
  }
}

/** The trained layer minus `layer` after `training.steps` full-batch steps on `rows`. */
export function intentLocalUpdate(layer: IntentLayer, rows: readonly IntentRow[], training: LocalTraining = DEFAULT_INTENT_TRAINING): Float64Array {
  checkTraining(training, 'federated intent update');
  checkRows(layer, rows);
  const { rows: categories, cols: dims } = layer;
  const size = categories * dims;
  const start = intentVector(layer);
  const current = start.slice();
  const logits = new Float64Array(categories);
  for (let step = 0; step < training.steps; step++) {
    // dL/dW = mean over rows of (softmax − one-hot) xᵀ; dL/db = mean of (softmax − one-hot).
    const gradient = new Float64Array(current.length);
    for (const { embedding, label } of rows) {
      for (let c = 0; c < categories; c++) {
        let sum = current[size + c]!;
        for (let d = 0; d < dims; d++) sum += current[c * dims + d]! * embedding[d]!;
        logits[c] = sum;
      }
      const error = softmax(logits);
      error[label]! -= 1;
      for (let c = 0; c < categories; c++) {
        const e = error[c]! / rows.length;
        gradient[size + c]! += e;
        for (let d = 0; d < dims; d++) gradient[c * dims + d]! += e * embedding[d]!;
      }
    }
    if (!gradient.every(Number.isFinite)) throw new Error('federated intent update: the gradient is not finite; nothing is contributed');
    for (let i = 0; i < current.length; i++) current[i]! -= training.learningRate * gradient[i]!;
  }
  return current.map((value, i) => value - start[i]!);
}
