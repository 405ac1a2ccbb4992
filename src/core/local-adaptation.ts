/**
 * On-device adaptation of the shopper's personal offset δ (DESIGN.md "Personal state"): one
 * online SGD step per shopper event, on δ alone. The shared ranker stays as the store shipped
 * it; δ never leaves the device.
 *
 *   δ ← clip(δ − η (∂loss/∂δ + l2 · δ), maxNorm)
 *
 * The loss is the ranker's own (src/core/ranker.ts): the event's item as the target of the
 * history before it, on the output its kind trains. Weight decay (l2) would pull δ back toward
 * the shared ranker so that old events fade; the valid split chose none (DEFAULT_ADAPTATION),
 * and the store's retention drops a profile not updated within its time to live. The norm clip bounds how far one shopper's δ can move the
 * user vector whatever the events (the text prior's u has norm about 2). bench/local-adaptation.ts
 * measures the benefit on Amazon Scientific and chose DEFAULT_ADAPTATION on its valid split.
 */
import type { WantedType } from './behaviour-event.ts';
import { personalGradient, type RankerContext, type RankerWeights } from './ranker.ts';

/** The behaviour events that say the shopper wanted an item (search, dismiss and impressions do not). */
export type AdaptationKind = WantedType;

export interface AdaptationEvent {
  kind: AdaptationKind;
  /** The item's catalogue row. */
  row: number;
}

export interface AdaptationSettings {
  learningRate: number;
  /** Weight decay toward δ = 0 (the shared ranker), per step, scaled by the learning rate. */
  l2: number;
  /** Largest L2 norm of δ; Infinity for none. */
  maxNorm: number;
}

export interface AdaptationStep {
  personal: Float32Array;
  /** The event's loss before the step (Infinity when the model gave the item no probability). */
  loss: number;
  /** False when the gradient was not finite: δ is returned unchanged rather than poisoned. */
  stepped: boolean;
}

/**
 * Selected on Scientific's valid split by `npm run bench:local` (docs/benchmarks.md), for the
 * text prior ranker, ranking as the for-you shelf serves (history items left out): the largest
 * step of the grid, no decay, a clip at twice |u|. Test: +0.0019 NDCG@10, 95% CI −0.00001 …
 * +0.0038 (with history items ranked too: +0.0001, no gain).
 */
export const DEFAULT_ADAPTATION: Readonly<AdaptationSettings> = Object.freeze({ learningRate: 0.4, l2: 0, maxNorm: 4 });

// Views and clicks train the click output, carts and orders the purchase output (as the trainer's loss weights).
const LOSS_WEIGHTS: Readonly<Record<AdaptationKind, readonly [number, number]>> = {
  view: [1, 0],
  click: [1, 0],
  add_to_cart: [0, 1],
  purchase: [0, 1],
};

export function checkAdaptationSettings(settings: AdaptationSettings): AdaptationSettings {
  const { learningRate, l2, maxNorm } = settings;
  if (!(Number.isFinite(learningRate) && learningRate > 0)) throw new Error(`local adaptation: learningRate must be a positive number, got ${String(learningRate)}`);
  if (!(Number.isFinite(l2) && l2 >= 0)) throw new Error(`local adaptation: l2 must be a non-negative number, got ${String(l2)}`);
  // Beyond 1 the decay would flip δ's sign every step instead of shrinking it.
  if (learningRate * l2 >= 1) throw new Error(`local adaptation: learningRate × l2 must be below 1, got ${learningRate * l2}`);
  if (!(maxNorm > 0)) throw new Error(`local adaptation: maxNorm must be positive (Infinity for no clip), got ${String(maxNorm)}`);
  return settings;
}

function checkPersonal(ranker: RankerWeights, personal: Float32Array): void {
  if (personal.length !== ranker.dims) throw new Error(`local adaptation: personal offset has ${personal.length} dims, expected ${ranker.dims}`);
  if (!personal.every(Number.isFinite)) throw new Error('local adaptation: personal offset has a non-finite value');
}

function lossWeightsOf(kind: AdaptationKind): readonly [number, number] {
  const weights = Object.hasOwn(LOSS_WEIGHTS, kind) ? LOSS_WEIGHTS[kind] : undefined;
  if (!weights) throw new Error(`local adaptation: unknown event kind "${String(kind)}" (expected ${Object.keys(LOSS_WEIGHTS).join(', ')})`);
  return weights;
}

/**
 * One SGD step on δ for one event: `history` is what the shopper did before it (oldest first;
 * the ranker attends to its last maxHistory rows), `target` the event's item. Returns a new δ;
 * the input is not changed.
 */
export function adaptationStep(ranker: RankerWeights, context: RankerContext, history: readonly number[], target: number,
  kind: AdaptationKind, personal: Float32Array, settings: AdaptationSettings): AdaptationStep {
  const lossWeights = lossWeightsOf(kind);
  checkAdaptationSettings(settings);
  checkPersonal(ranker, personal);
  const { loss, personal: gradient } = personalGradient(ranker, context, history, target, lossWeights, personal);
  if (!gradient.every(Number.isFinite)) return { personal: personal.slice(), loss, stepped: false };

  const { learningRate, l2, maxNorm } = settings;
  const next = new Float64Array(personal.length);
  let squares = 0;
  for (let o = 0; o < next.length; o++) {
    next[o] = personal[o]! - learningRate * (gradient[o]! + l2 * personal[o]!);
    squares += next[o]! * next[o]!;
  }
  const norm = Math.sqrt(squares);
  const shrink = norm > maxNorm ? maxNorm / norm : 1;
  return { personal: Float32Array.from(next, (value) => value * shrink), loss, stepped: true };
}

/**
 * δ after the shopper's events in order, each one a step with the events before it as its
 * history. `personal` is the starting δ (zero for a new shopper).
 */
export function replayEvents(ranker: RankerWeights, context: RankerContext, events: readonly AdaptationEvent[],
  settings: AdaptationSettings = DEFAULT_ADAPTATION, personal: Float32Array = new Float32Array(ranker.dims)): Float32Array {
  checkPersonal(ranker, personal);
  const rows = events.map((event) => event.row);
  let current: Float32Array = personal.slice();
  events.forEach((event, i) => {
    current = adaptationStep(ranker, context, rows.slice(0, i), event.row, event.kind, current, settings).personal;
  });
  return current;
}
