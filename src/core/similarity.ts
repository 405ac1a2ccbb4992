/**
 * Nearest neighbours by dot product. Embeddings from our encoder are L2-normalised,
 * so the dot product is the cosine similarity.
 */

export interface Neighbour {
  index: number;
  score: number;
}

/**
 * The `k` rows of `matrix` (row-major, `dims` wide) most similar to `query`, best first.
 * Rows listed in `exclude` (e.g. the item itself) are skipped.
 */
export function topKByDot(
  query: Float32Array,
  matrix: Float32Array,
  dims: number,
  k: number,
  exclude: ReadonlySet<number> = new Set(),
): Neighbour[] {
  if (query.length !== dims) throw new Error(`query has ${query.length} dims, expected ${dims}`);
  if (matrix.length % dims !== 0) throw new Error(`matrix length ${matrix.length} is not a multiple of ${dims}`);
  const rows = matrix.length / dims;
  const best: Neighbour[] = [];
  for (let row = 0; row < rows; row++) {
    if (exclude.has(row)) continue;
    let score = 0;
    const offset = row * dims;
    for (let d = 0; d < dims; d++) score += query[d]! * matrix[offset + d]!;
    if (best.length < k) {
      best.push({ index: row, score });
      best.sort((a, b) => b.score - a.score);
    } else if (k > 0 && score > best[k - 1]!.score) {
      best[k - 1] = { index: row, score };
      best.sort((a, b) => b.score - a.score);
    }
  }
  return best;
}
