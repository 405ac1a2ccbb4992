/**
 * Top-k selection over precomputed scores (src/core/item-matrix.ts computes them as dot
 * products; our embeddings are L2-normalised, so those are cosine similarities).
 */

export interface Neighbour {
  index: number;
  score: number;
}

/** The `k` best-scoring indices, best first, skipping `exclude`. */
export function topK(scores: ArrayLike<number>, k: number, exclude: ReadonlySet<number> = new Set()): Neighbour[] {
  const best: Neighbour[] = [];
  if (k <= 0) return best;
  for (let index = 0; index < scores.length; index++) {
    const score = scores[index]!;
    if (exclude.has(index) || (best.length === k && score <= best[k - 1]!.score)) continue;
    // Insertion into a short sorted list: k is small next to the catalogue.
    let at = best.length < k ? best.push({ index, score }) - 1 : k - 1;
    while (at > 0 && best[at - 1]!.score < score) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = { index, score };
  }
  return best;
}
