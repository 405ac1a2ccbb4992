/**
 * The update one browser contributes to a federated round, as the trainer defines a client's
 * (trainer/federated/client.py, local_updates): `steps` full-batch SGD steps with rate `lr` on
 * the federated parameters (federated-parameters.ts), starting from the round's ranker, on the
 * mean over the shopper's rows of the mean cross-entropy of the click and purchase outputs;
 * the update is the trained vector minus the round's. The caller clips it to the round's C and
 * encodes it to fixed point (fixed-point.ts). Checked against PyTorch on
 * tests/golden/federated-update.json.
 *
 * A row is one item the shopper wanted with the items before it as its history. The features
 * are the ones a browser has: no merchant order data (knn and popularity 0, no_orders 1), as
 * in the trainer's client.
 */
import { isWanted, type BehaviourEvent } from './behaviour-event.ts';
import { federatedGradient, federatedLength, federatedVector, withFederatedVector } from './federated-parameters.ts';
import type { ItemMatrix } from './item-matrix.ts';
import { rankerGradients, type RankerContext, type RankerWeights } from './ranker.ts';

export interface TrainingRow {
  /** Catalogue rows the shopper wanted before the target, oldest first. */
  history: readonly number[];
  target: number;
}

export interface LocalTraining {
  steps: number;
  learningRate: number;
}

/** The trainer's LocalConfig defaults, which the federated simulation ran with. */
export const DEFAULT_LOCAL_TRAINING: Readonly<LocalTraining> = Object.freeze({ steps: 3, learningRate: 0.5 });

/**
 * At most this many rows (the latest) per contribution: its cost is rows × history × the 64 × 384
 * projection, three times over. Measured in Node on the 2-core development machine under a load
 * of about 12: 20 rows 1.9 s on the demo's 411 items, 3.3 s on Scientific's 4,385 (50 rows: 4.9
 * and 10.2 s), worker time a shopper's device spends once per round it joins.
 */
export const MAX_CONTRIBUTION_ROWS = 20;

/** The catalogue rows of the items the shopper wanted (views, clicks, carts, orders), oldest first; items no longer in the catalogue are skipped. */
export function wantedItems(events: readonly BehaviourEvent[], rowOf: (id: string) => number | undefined): number[] {
  return events.flatMap((event) => {
    const row = isWanted(event.type) && event.itemId !== undefined ? rowOf(event.itemId) : undefined;
    return row === undefined ? [] : [row];
  });
}

/**
 * The rows of a shopper's wanted items (catalogue rows, oldest first): each item after the
 * first, with at most `maxHistory` items before it (all the ranker's attention sees; older
 * items stay out of in_history too, so no more of the history is used than the model reads).
 * Only the latest `maxRows` rows: they bound a contribution's cost on a long history.
 */
export function trainingRows(items: readonly number[], maxHistory: number, maxRows: number): TrainingRow[] {
  const rows: TrainingRow[] = [];
  for (let i = Math.max(1, items.length - maxRows); i < items.length; i++) {
    rows.push({ history: items.slice(Math.max(0, i - maxHistory), i), target: items[i]! });
  }
  return rows;
}

/** Refuses settings no update could be trained with; `what` names the update in the message. */
export function checkTraining(training: LocalTraining, what = 'federated update'): void {
  if (!Number.isInteger(training.steps) || training.steps < 1) throw new Error(`${what}: steps must be a positive integer, got ${training.steps}`);
  if (!(Number.isFinite(training.learningRate) && training.learningRate > 0)) throw new Error(`${what}: learningRate must be a positive number, got ${training.learningRate}`);
}

/**
 * The trained federated parameters minus the round's (`ranker`), after `training.steps`
 * full-batch steps on `rows`. Throws on a non-finite gradient rather than send a poisoned update.
 */
export function localUpdate(ranker: RankerWeights, matrix: ItemMatrix, rows: readonly TrainingRow[], training: LocalTraining = DEFAULT_LOCAL_TRAINING): Float64Array {
  checkTraining(training);
  if (rows.length === 0) throw new Error('federated update: no rows to learn from');
  // What a browser knows: its own history, no order data (the trainer's client features).
  const context: RankerContext = { matrix, neighbours: null, popularity: null };
  const start = Float32Array.from(federatedVector(ranker));
  let current = start.slice();
  let weights = ranker;
  for (let step = 0; step < training.steps; step++) {
    const gradient = new Float64Array(start.length);
    for (const row of rows) {
      const g = federatedGradient(rankerGradients(weights, context, row.history, row.target, [0.5, 0.5]));
      for (let i = 0; i < g.length; i++) gradient[i]! += g[i]! / rows.length;
    }
    if (!gradient.every(Number.isFinite)) throw new Error('federated update: the gradient is not finite; nothing is contributed');
    // Float32 parameters, as the trainer's: each step rounds to float32.
    const next = new Float32Array(current.length);
    for (let i = 0; i < next.length; i++) next[i] = current[i]! - training.learningRate * gradient[i]!;
    current = next;
    weights = withFederatedVector(ranker, current);
  }
  const delta = new Float64Array(federatedLength(ranker));
  for (let i = 0; i < delta.length; i++) delta[i] = current[i]! - start[i]!;
  return delta;
}
