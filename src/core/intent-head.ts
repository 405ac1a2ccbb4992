/**
 * The intent head's forward pass (defined by trainer/intent.py): category intents by
 * softmax, behavioural intents (browse, compare, gift, deal) by independent sigmoids, on
 * the query's L2-normalised embedding. Checked against PyTorch on
 * tests/golden/intent-head.json.
 */
import { decodeFloat32 } from './float32-base64.ts';
import { softmax } from './softmax.ts';

export interface IntentLayer {
  rows: number;
  cols: number;
  weight: Float32Array;
  bias: Float32Array;
}

export interface IntentHead {
  categories: string[];
  behaviours: string[];
  categoryLayer: IntentLayer;
  behaviourLayer: IntentLayer;
}

export interface ScoredIntent {
  name: string;
  probability: number;
}

export interface IntentPrediction {
  /** Category intents, most probable first (probabilities over all categories sum to 1). */
  categories: ScoredIntent[];
  /** Every behavioural intent with its own probability, most probable first. */
  behaviours: ScoredIntent[];
}

function parseLayer(value: unknown, what: string, rows: number): IntentLayer {
  const layer = value as { rows?: unknown; cols?: unknown; weight?: unknown; bias?: unknown } | null;
  if (!layer || typeof layer.weight !== 'string' || typeof layer.bias !== 'string' || layer.rows !== rows || typeof layer.cols !== 'number') {
    throw new Error(`intent head: ${what} must have ${rows} rows, cols and base64 weight and bias`);
  }
  return { rows, cols: layer.cols, weight: decodeFloat32(layer.weight, rows * layer.cols, `intent head: ${what}.weight`), bias: decodeFloat32(layer.bias, rows, `intent head: ${what}.bias`) };
}

export function parseIntentHead(json: unknown): IntentHead {
  const obj = json as Record<string, unknown> | null;
  if (!obj || obj.format !== 1) throw new Error('intent head: unsupported format (expected 1)');
  const names = (key: string) => {
    const value = obj[key];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string') || value.length === 0) throw new Error(`intent head: "${key}" must be a list of names`);
    return value as string[];
  };
  const categories = names('categories');
  const behaviours = names('behaviours');
  const head = { categories, behaviours, categoryLayer: parseLayer(obj.category_layer, 'category_layer', categories.length), behaviourLayer: parseLayer(obj.behaviour_layer, 'behaviour_layer', behaviours.length) };
  if (head.categoryLayer.cols !== head.behaviourLayer.cols) throw new Error('intent head: layers disagree on the embedding width');
  return head;
}

function affine(layer: IntentLayer, x: Float32Array): Float64Array {
  if (x.length !== layer.cols) throw new Error(`intent head: embedding has ${x.length} dims, expected ${layer.cols}`);
  const out = new Float64Array(layer.rows);
  for (let r = 0; r < layer.rows; r++) {
    let sum = layer.bias[r]!;
    const offset = r * layer.cols;
    for (let c = 0; c < layer.cols; c++) sum += layer.weight[offset + c]! * x[c]!;
    out[r] = sum;
  }
  return out;
}

/** Raw category softmax and behaviour sigmoid, in the head's own order. */
export function intentProbabilities(head: IntentHead, embedding: Float32Array): { categories: Float64Array; behaviours: Float64Array } {
  return {
    categories: softmax(affine(head.categoryLayer, embedding)),
    behaviours: affine(head.behaviourLayer, embedding).map((l) => 1 / (1 + Math.exp(-l))),
  };
}

export function predictIntents(head: IntentHead, embedding: Float32Array, topCategories = 5): IntentPrediction {
  const { categories, behaviours } = intentProbabilities(head, embedding);
  const ranked = (names: string[], p: Float64Array) => names.map((name, i) => ({ name, probability: p[i]! })).sort((a, b) => b.probability - a.probability);
  return { categories: ranked(head.categories, categories).slice(0, topCategories), behaviours: ranked(head.behaviours, behaviours) };
}
