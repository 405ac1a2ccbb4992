/**
 * tests/golden/ranker.json (python -m trainer.recsys.golden): a small ranker (8 dims, 40 items,
 * trained feature weights), its catalogue and cases with PyTorch's logits and gradients.
 */
import { join } from 'node:path';
import type { ItemMatrix } from '../../src/core/item-matrix.ts';
import { neighboursFromLists } from '../../src/core/neighbours.ts';
import { parseRanker, type RankerContext } from '../../src/core/ranker.ts';
import { readJson, repoRoot } from './models.ts';

export interface RankerCase {
  history: number[];
  target: number;
  loss_weights: [number, number];
  personal: number[] | null;
  features: number[];
  click: number[];
  purchase: number[];
  loss: number;
  gradients: { projection: string; attention: number[]; recency: number[]; feature_weights: number[]; personal: number[] };
}

export interface RankerGolden {
  ranker: Record<string, unknown>;
  items: { codes: number[][]; scales: number[] };
  neighbours: [number, number][][];
  popularity: number[];
  cases: RankerCase[];
}

export const golden = readJson(join(repoRoot, 'tests/golden/ranker.json')) as RankerGolden;

export const matrix: ItemMatrix = {
  rows: golden.items.scales.length,
  dims: golden.items.codes[0]!.length,
  scales: Float32Array.from(golden.items.scales),
  codes: Int8Array.from(golden.items.codes.flat()),
};
export const context: RankerContext = { matrix, neighbours: neighboursFromLists(golden.neighbours), popularity: Float32Array.from(golden.popularity) };
export const ranker = parseRanker(golden.ranker);
export const personalOf = (c: RankerCase) => (c.personal ? Float32Array.from(c.personal) : undefined);
