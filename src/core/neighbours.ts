/**
 * Co-occurrence neighbour lists from the merchant's own orders (trainer/recsys/cooccurrence.py):
 * for each catalogue row, its strongest co-occurring rows with weights. Stored as CSR typed
 * arrays, not per-row object lists, because 10k rows × 100 neighbours is a million pairs:
 * 8 MB this way, several times that as JavaScript objects.
 */

export interface Neighbours {
  /** Row r's neighbours sit at [offsets[r], offsets[r + 1]) in `rows` and `weights`; length = catalogue rows + 1. */
  offsets: Uint32Array;
  rows: Uint32Array;
  weights: Float32Array;
}

/** Throws unless `neighbours` is well formed for a catalogue of `catalogueRows` rows (run once, on load). */
export function checkNeighbours(neighbours: Neighbours, catalogueRows: number): Neighbours {
  const { offsets, rows, weights } = neighbours;
  if (offsets.length !== catalogueRows + 1) throw new Error(`neighbours: ${offsets.length} offsets for ${catalogueRows} catalogue rows (expected ${catalogueRows + 1})`);
  if (offsets[0] !== 0 || offsets[catalogueRows] !== rows.length || rows.length !== weights.length) throw new Error('neighbours: offsets, rows and weights disagree on the number of pairs');
  for (let r = 0; r < catalogueRows; r++) {
    if (offsets[r]! > offsets[r + 1]!) throw new Error(`neighbours: offsets decrease at row ${r}`);
  }
  rows.forEach((row, i) => {
    if (row >= catalogueRows) throw new Error(`neighbours: pair ${i} names row ${row}, the catalogue has ${catalogueRows}`);
    if (!(weights[i]! >= 0 && Number.isFinite(weights[i]!))) throw new Error(`neighbours: pair ${i} has weight ${weights[i]}`);
  });
  return neighbours;
}

/** Builds and checks the CSR form from one list of [row, weight] pairs per catalogue row (e.g. parsed JSON). */
export function neighboursFromLists(lists: readonly (readonly (readonly [row: number, weight: number])[])[]): Neighbours {
  const pairs = lists.flat();
  const offsets = new Uint32Array(lists.length + 1);
  lists.forEach((list, r) => (offsets[r + 1] = offsets[r]! + list.length));
  for (const [row] of pairs) {
    // Uint32Array would silently wrap -1 or truncate 2.5 into a valid-looking row.
    if (!Number.isInteger(row) || row < 0) throw new Error(`neighbours: ${row} is not a row`);
  }
  return checkNeighbours({ offsets, rows: Uint32Array.from(pairs, ([row]) => row), weights: Float32Array.from(pairs, ([, weight]) => weight) }, lists.length);
}
