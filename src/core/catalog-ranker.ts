/**
 * Exact ranking of a whole catalogue against one embedding: the item matrix plus the
 * product ids of its rows. Scores are cosines (both sides are unit length, up to int8
 * rounding of the items).
 */
import { itemVector, scoreAll, type ItemMatrix } from './item-matrix.ts';
import { topK } from './similarity.ts';

export interface RankedItem {
  id: string;
  score: number;
}

export class CatalogRanker {
  readonly #rowOf: Map<string, number>;
  readonly #scores: Float32Array;

  constructor(
    readonly matrix: ItemMatrix,
    readonly ids: readonly string[],
  ) {
    if (ids.length !== matrix.rows) throw new Error(`catalog has ${ids.length} ids for ${matrix.rows} item rows`);
    this.#rowOf = new Map(ids.map((id, row) => [id, row]));
    // One scratch buffer: ranking allocates nothing per call.
    this.#scores = new Float32Array(matrix.rows);
  }

  has(id: string): boolean {
    return this.#rowOf.has(id);
  }

  /** The item-matrix row of a product id. */
  rowOf(id: string): number {
    const row = this.#rowOf.get(id);
    if (row === undefined) throw new Error(`unknown item id "${id}"`);
    return row;
  }

  /**
   * The rows of the ids this catalogue knows, in order; unknown ids are skipped (a
   * shopper's history or a cart may name products that have left the catalogue).
   */
  knownRows(ids: Iterable<string>): number[] {
    const rows: number[] = [];
    for (const id of ids) {
      const row = this.#rowOf.get(id);
      if (row !== undefined) rows.push(row);
    }
    return rows;
  }

  /** The stored embedding of an item, e.g. to find items similar to it without the encoder. */
  vectorOf(id: string): Float32Array {
    return itemVector(this.matrix, this.rowOf(id));
  }

  rank(query: Float32Array, k: number, excludeIds: Iterable<string> = []): RankedItem[] {
    const exclude = new Set<number>();
    for (const id of excludeIds) {
      const row = this.#rowOf.get(id);
      if (row !== undefined) exclude.add(row);
    }
    scoreAll(query, this.matrix, this.#scores);
    return topK(this.#scores, k, exclude).map(({ index, score }) => ({ id: this.ids[index]!, score }));
  }
}
