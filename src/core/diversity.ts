/**
 * Maximal marginal relevance (Carbonell & Goldstein, 1998): pick items one at a time,
 * each maximising  λ·relevance − (1−λ)·(max cosine to the items already picked), so five
 * colourways of one mug do not fill a shelf of five. Cosines come from the int8 item
 * matrix, whose rows are L2-normalised. The candidates are a pre-cut top-N (≈100):
 * the cost is O(k·N·dims), independent of the catalogue size.
 */
import type { ItemMatrix } from './item-matrix.ts';

export interface Scored {
  row: number;
  score: number;
}

/** Cosine of two item rows, straight from the int8 codes (no dequantised copies). */
function cosine(matrix: ItemMatrix, a: number, b: number): number {
  const { dims, codes } = matrix;
  const offsetA = a * dims;
  const offsetB = b * dims;
  let sum = 0;
  for (let d = 0; d < dims; d++) sum += codes[offsetA + d]! * codes[offsetB + d]!;
  return sum * matrix.scales[a]! * matrix.scales[b]!;
}

/**
 * Up to `k` of `candidates` in MMR order, each with its own score. λ = 1 is plain
 * relevance order, λ = 0 only avoids similarity after the most relevant item. Scores are
 * rescaled to [0, 1] over the candidates first, so a given λ trades relevance against
 * similarity the same way whatever produced the scores (probabilities, cosines, counts).
 * Ties keep the candidates' order.
 */
export function mmr(candidates: readonly Scored[], k: number, lambda: number, matrix: ItemMatrix): Scored[] {
  if (!Number.isInteger(k) || k < 1) throw new Error(`diversity: k must be a whole number ≥ 1, got ${k}`);
  if (!(lambda >= 0 && lambda <= 1)) throw new Error(`diversity: λ must be in [0, 1], got ${lambda}`);
  for (const { row, score } of candidates) {
    if (!Number.isInteger(row) || row < 0 || row >= matrix.rows) throw new Error(`diversity: no item row ${row}`);
    if (!Number.isFinite(score)) throw new Error(`diversity: row ${row} has score ${score}`);
  }
  // Array.prototype.sort is stable, so ties keep their order here as in the loop below.
  if (lambda === 1) return [...candidates].sort((a, b) => b.score - a.score).slice(0, k);

  let lo = Infinity;
  let hi = -Infinity;
  for (const { score } of candidates) {
    lo = Math.min(lo, score);
    hi = Math.max(hi, score);
  }
  const relevance = candidates.map(({ score }) => (hi > lo ? (score - lo) / (hi - lo) : 1));
  // Each candidate's max similarity to the picked set, updated once per pick.
  const maxSimilarity = new Float64Array(candidates.length).fill(-Infinity);
  const taken = new Uint8Array(candidates.length);
  const picked: Scored[] = [];
  while (picked.length < Math.min(k, candidates.length)) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < candidates.length; i++) {
      if (taken[i]) continue;
      const value = picked.length === 0 ? relevance[i]! : lambda * relevance[i]! - (1 - lambda) * maxSimilarity[i]!;
      if (value > bestValue) [best, bestValue] = [i, value];
    }
    taken[best] = 1;
    const chosen = candidates[best]!;
    picked.push(chosen);
    for (let i = 0; i < candidates.length; i++) {
      if (!taken[i]) maxSimilarity[i] = Math.max(maxSimilarity[i]!, cosine(matrix, chosen.row, candidates[i]!.row));
    }
  }
  return picked;
}
