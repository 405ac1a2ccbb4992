/**
 * tests/golden/federated-update.json (python -m trainer.federated.golden_client): a small ranker,
 * its int8 catalogue, its federated vector, one shopper's rows and the trainer's local updates.
 */
import { join } from 'node:path';
import { decodeFloat32 } from '../../src/core/float32-base64.ts';
import type { ItemMatrix } from '../../src/core/item-matrix.ts';
import { parseRanker } from '../../src/core/ranker.ts';
import { readJson, repoRoot } from './models.ts';

interface FederatedGolden {
  ranker: Record<string, unknown>;
  items: { codes: number[][]; scales: number[] };
  layout: { sizes: number[]; size: number };
  vector: string;
  sequence: number[];
  max_rows: number;
  rows: { history: number[]; target: number }[];
  cases: { steps: number; lr: number; delta: string }[];
}

export const federatedGolden = readJson(join(repoRoot, 'tests/golden/federated-update.json')) as FederatedGolden;
export const goldenRanker = parseRanker(federatedGolden.ranker);
export const goldenMatrix: ItemMatrix = {
  rows: federatedGolden.items.scales.length,
  dims: federatedGolden.items.codes[0]!.length,
  scales: Float32Array.from(federatedGolden.items.scales),
  codes: Int8Array.from(federatedGolden.items.codes.flat()),
};
export const goldenVector = decodeFloat32(federatedGolden.vector, federatedGolden.layout.size, 'golden vector');
export const goldenDelta = (c: FederatedGolden['cases'][number]) => decodeFloat32(c.delta, federatedGolden.layout.size, 'golden delta');
