/**
 * Nearest neighbours by dot product. Embeddings from our encoder are L2-normalised,
 * so the dot product is the cosine similarity.
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

/** Dot product of `query` with every row of `matrix` (row-major, `dims` wide). */
export function dotAll(query: Float32Array, matrix: Float32Array, dims: number): Float32Array {
  if (query.length !== dims) throw new Error(`query has ${query.length} dims, expected ${dims}`);
  if (matrix.length % dims !== 0) throw new Error(`matrix length ${matrix.length} is not a multiple of ${dims}`);
  const scores = new Float32Array(matrix.length / dims);
  for (let row = 0; row < scores.length; row++) {
    let score = 0;
    const offset = row * dims;
    for (let d = 0; d < dims; d++) score += query[d]! * matrix[offset + d]!;
    scores[row] = score;
  }
  return scores;
}

/** The `k` rows of `matrix` most similar to `query`, best first, skipping `exclude`. */
export function topKByDot(
  query: Float32Array,
  matrix: Float32Array,
  dims: number,
  k: number,
  exclude: ReadonlySet<number> = new Set(),
): Neighbour[] {
  return topK(dotAll(query, matrix, dims), k, exclude);
}
