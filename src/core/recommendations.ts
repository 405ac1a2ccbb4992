/**
 * The shelves a store shows — for you, similar, goes well with, trending, recently viewed —
 * as one pipeline: candidates that pass the business rules → a relevance score each → the
 * top `pool` → MMR down to `k` → a reason naming the product that earned the slot.
 * Rules come before the cut, so they never empty a shelf that had valid items.
 */
import type { Product } from './catalog.ts';
import { ruleFilter, type BusinessRules } from './business-rules.ts';
import { mmr, type Scored } from './diversity.ts';
import { itemVector, scoreAll, type ItemMatrix } from './item-matrix.ts';
import type { IntentPrediction } from './intent-head.ts';
import type { Neighbours } from './neighbours.ts';
import { DEFAULT_OBJECTIVE, expectedValue, type ModelScores, type Objective } from './objective.ts';
import { topK } from './similarity.ts';

export interface Recommendation {
  row: number;
  id: string;
  /** The shelf's own relevance (objective value, cosine, co-occurrence weight, count, timestamp): for ordering and debugging, not for comparing shelves. */
  score: number;
  reason: string;
}

/** What every shelf reads; built once per catalogue. */
export interface RecContext {
  products: readonly Product[];
  /** The products' embeddings, row for row. */
  matrix: ItemMatrix;
  /** revenueScale(products) from objective.ts. */
  revenueScale: number;
}

export interface RecOptions {
  /** How many to return (default 10). */
  k?: number;
  /** MMR trade-off, 1 = pure relevance (default 0.8; 1 for recently viewed). */
  lambda?: number;
  rules?: BusinessRules;
  /** How many top candidates MMR chooses from (default 100, at least k). */
  pool?: number;
}

interface Shelf {
  k: number;
  lambda: number;
  pool: number;
  allowed: (row: number) => boolean;
}

function shelf(ctx: RecContext, options: RecOptions, defaultLambda: number): Shelf {
  const { k = 10, lambda = defaultLambda, pool = 100 } = options;
  if (ctx.matrix.rows !== ctx.products.length) throw new Error(`recommendations: ${ctx.matrix.rows} item rows for ${ctx.products.length} products`);
  if (!Number.isInteger(k) || k < 1) throw new Error(`recommendations: k must be a whole number ≥ 1, got ${k}`);
  if (!Number.isInteger(pool) || pool < 1) throw new Error(`recommendations: pool must be a whole number ≥ 1, got ${pool}`);
  if (!(lambda >= 0 && lambda <= 1)) throw new Error(`recommendations: λ must be in [0, 1], got ${lambda}`);
  return { k, lambda, pool: Math.max(pool, k), allowed: ruleFilter(ctx.products, options.rules) };
}

function checkRow(ctx: RecContext, row: number, what: string): number {
  if (!Number.isInteger(row) || row < 0 || row >= ctx.products.length) throw new Error(`recommendations: ${what} row ${row} is not in the catalogue (${ctx.products.length} rows)`);
  return row;
}

function allowedRows(ctx: RecContext, allowed: (row: number) => boolean): number[] {
  const rows: number[] = [];
  for (let row = 0; row < ctx.products.length; row++) if (allowed(row)) rows.push(row);
  return rows;
}

/** Top `pool` of `rows` by `scores` (parallel to `rows`), then MMR down to `k`. */
function choose(ctx: RecContext, s: Shelf, rows: readonly number[], scores: ArrayLike<number>, k = s.k): Scored[] {
  const top = topK(scores, s.pool).map(({ index, score }) => ({ row: rows[index]!, score }));
  return mmr(top, k, s.lambda, ctx.matrix);
}

const title = (ctx: RecContext, row: number) => ctx.products[row]!.title;
const recommendation = (ctx: RecContext, { row, score }: Scored, reason: string): Recommendation => ({ row, id: ctx.products[row]!.id, score, reason });

/**
 * Personal picks from the ranker's click and purchase logits, weighed by the merchant's
 * objective. `explain(row)` names the history item that contributed most to a row
 * (ranker.ts); it is called only for the k rows shown.
 */
export function forYou(
  ctx: RecContext,
  model: ModelScores,
  explain: (row: number) => { historyRow: number } | null,
  options: RecOptions & { objective?: Objective } = {},
): Recommendation[] {
  const s = shelf(ctx, options, 0.8);
  const rows = allowedRows(ctx, s.allowed);
  const value = expectedValue(model, rows, ctx.products, options.objective ?? DEFAULT_OBJECTIVE, ctx.revenueScale);
  return choose(ctx, s, rows, value).map((picked) => {
    const because = explain(picked.row);
    return recommendation(ctx, picked, because ? `Because you viewed ${title(ctx, checkRow(ctx, because.historyRow, 'explained history'))}` : 'Recommended for you');
  });
}

/** Nearest items to `itemRow` by text-embedding cosine, the item itself excluded. */
export function similar(ctx: RecContext, itemRow: number, options: RecOptions = {}): Recommendation[] {
  const s = shelf(ctx, options, 0.8);
  checkRow(ctx, itemRow, 'item');
  const cosines = scoreAll(itemVector(ctx.matrix, itemRow), ctx.matrix);
  const rows = allowedRows(ctx, (row) => row !== itemRow && s.allowed(row));
  return choose(ctx, s, rows, rows.map((row) => cosines[row]!)).map((picked) => recommendation(ctx, picked, `Similar to ${title(ctx, itemRow)}`));
}

const sameLeaf = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((segment, i) => segment === b[i]);

/**
 * Complements of the cart: co-occurrence weights summed over the cart's neighbour lists,
 * each item credited to the cart item that contributed most. Cart items are excluded, and
 * unless `sameCategory` so is the exact leaf category of any cart item (a second skillet is
 * an alternative, not a complement). When co-occurrence fills fewer than k slots (a new
 * store, a new product) the rest come from text similarity, still outside the cart's leaf
 * categories, ranked by the best cosine to any cart item.
 */
export function goesWellWith(
  ctx: RecContext,
  cartRows: readonly number[],
  neighbours: Neighbours,
  options: RecOptions & { sameCategory?: boolean } = {},
): Recommendation[] {
  const s = shelf(ctx, options, 0.8);
  if (neighbours.offsets.length !== ctx.products.length + 1) throw new Error(`recommendations: neighbours cover ${neighbours.offsets.length - 1} rows, the catalogue has ${ctx.products.length}`);
  const cart = new Set(cartRows.map((row) => checkRow(ctx, row, 'cart')));
  if (cart.size === 0) return [];
  const cartLeaves = [...cart].map((row) => ctx.products[row]!.category);
  const allowed = (row: number) =>
    !cart.has(row) && (options.sameCategory || !cartLeaves.some((path) => sameLeaf(path, ctx.products[row]!.category))) && s.allowed(row);

  const summed = new Map<number, { weight: number; from: number; best: number }>();
  for (const from of cart) {
    for (let i = neighbours.offsets[from]!; i < neighbours.offsets[from + 1]!; i++) {
      const row = checkRow(ctx, neighbours.rows[i]!, 'neighbour');
      const weight = neighbours.weights[i]!;
      if (!allowed(row)) continue;
      const entry = summed.get(row) ?? { weight: 0, from, best: -Infinity };
      entry.weight += weight;
      if (weight > entry.best) [entry.from, entry.best] = [from, weight];
      summed.set(row, entry);
    }
  }
  const source = new Map([...summed].map(([row, { from }]) => [row, from]));
  const coRows = [...summed.keys()];
  const picked = choose(ctx, s, coRows, coRows.map((row) => summed.get(row)!.weight));

  if (picked.length < s.k) {
    const taken = new Set(picked.map(({ row }) => row));
    const rows = allowedRows(ctx, (row) => !taken.has(row) && allowed(row));
    const best = new Float64Array(rows.length).fill(-Infinity);
    const cosines = new Float32Array(ctx.matrix.rows);
    for (const from of cart) {
      scoreAll(itemVector(ctx.matrix, from), ctx.matrix, cosines);
      rows.forEach((row, i) => {
        if (cosines[row]! <= best[i]!) return;
        best[i] = cosines[row]!;
        source.set(row, from);
      });
    }
    picked.push(...choose(ctx, s, rows, best, s.k - picked.length));
  }
  return picked.map((p) => recommendation(ctx, p, `Goes well with ${title(ctx, source.get(p.row)!)}`));
}

/**
 * Items by the server's recent popularity counts (one per row); rows with no count are
 * left out rather than padded. With `rules.category` the reason names that category.
 */
export function trending(ctx: RecContext, popularity: ArrayLike<number>, options: RecOptions = {}): Recommendation[] {
  const s = shelf(ctx, options, 0.8);
  if (popularity.length !== ctx.products.length) throw new Error(`recommendations: popularity has ${popularity.length} rows, the catalogue has ${ctx.products.length}`);
  for (let row = 0; row < popularity.length; row++) {
    if (!(Number.isFinite(popularity[row]!) && popularity[row]! >= 0)) throw new Error(`recommendations: popularity of row ${row} is ${popularity[row]}`);
  }
  const rows = allowedRows(ctx, (row) => popularity[row]! > 0 && s.allowed(row));
  const category = options.rules?.category?.split(' > ').at(-1);
  const reason = category ? `Trending in ${category}` : 'Popular right now';
  return choose(ctx, s, rows, rows.map((row) => popularity[row]!)).map((picked) => recommendation(ctx, picked, reason));
}

/** The shopper's own views, most recent first, each item once (at its latest view). */
export function recentlyViewed(ctx: RecContext, views: readonly { row: number; at: number }[], options: RecOptions = {}): Recommendation[] {
  const s = shelf(ctx, options, 1);
  const latest = new Map<number, number>();
  for (const { row, at } of views) {
    checkRow(ctx, row, 'viewed');
    if (!Number.isFinite(at)) throw new Error(`recommendations: view of row ${row} has time ${at}`);
    if (s.allowed(row)) latest.set(row, Math.max(latest.get(row) ?? -Infinity, at));
  }
  const rows = [...latest.keys()];
  return choose(ctx, s, rows, rows.map((row) => latest.get(row)!)).map((picked) => recommendation(ctx, picked, 'You viewed this'));
}

/**
 * The store's own picks when it has no order data to say what is popular: the feed's
 * order (merchants list their best sellers first), diversified so one department does not
 * fill the shelf.
 */
export function featured(ctx: RecContext, options: RecOptions = {}): Recommendation[] {
  const s = shelf(ctx, options, 0.5);
  const rows = allowedRows(ctx, s.allowed);
  const n = ctx.products.length;
  return choose(ctx, s, rows, rows.map((row) => 1 - row / n)).map((picked) => recommendation(ctx, picked, 'Featured by the store'));
}

/** What a search ranks by, all computed from one query embedding in the worker. */
export interface SearchSignals {
  /** The query's embedding (unit length, the price phrase already removed). */
  query: Float32Array;
  intents: IntentPrediction | null;
  /** profileVector() of the shopper's recent items, or null (first visit, mode off). */
  profile: Float32Array | null;
}

// The cosine to the query decides; the intent head and the shopper's profile break the
// near-ties between equally good matches (cosines of close products differ by ~0.01–0.05).
export const SEARCH_INTENT_WEIGHT = 0.1;
export const SEARCH_PROFILE_WEIGHT = 0.05;

/** The probability the head gives the product's own category (a prefix of its path), 0 if none. */
function intentOf(probabilities: ReadonlyMap<string, number>, product: Product): number {
  let p = 0;
  for (let depth = 1; depth <= product.category.length; depth++) p = Math.max(p, probabilities.get(product.category.slice(0, depth).join(' > ')) ?? 0);
  return p;
}

/**
 * Search results: cosine to the query, nudged towards the categories the intent head reads
 * in the query and towards the shopper's own taste, within the rules (the query's price and
 * audience constraints arrive as rules).
 */
export function searchResults(ctx: RecContext, signals: SearchSignals, options: RecOptions = {}): Recommendation[] {
  const s = shelf(ctx, options, 0.9);
  const rows = allowedRows(ctx, s.allowed);
  const cosines = scoreAll(signals.query, ctx.matrix);
  const affinity = signals.profile ? scoreAll(signals.profile, ctx.matrix) : null;
  const probabilities = new Map(signals.intents?.categories.map((c) => [c.name, c.probability]) ?? []);
  const scores = rows.map(
    (row) => cosines[row]! + SEARCH_INTENT_WEIGHT * intentOf(probabilities, ctx.products[row]!) + (affinity ? SEARCH_PROFILE_WEIGHT * affinity[row]! : 0),
  );
  return choose(ctx, s, rows, scores).map((picked) => {
    const leaning = affinity !== null && affinity[picked.row]! > 0.5;
    return recommendation(ctx, picked, leaning ? 'Matches your search and what you viewed' : 'Matches your search');
  });
}

/** The mean of some items' embeddings, unit length: a shopper's taste in one vector. */
export function profileVector(matrix: ItemMatrix, rows: readonly number[]): Float32Array | null {
  if (rows.length === 0) return null;
  const sum = new Float32Array(matrix.dims);
  for (const row of rows) {
    const v = itemVector(matrix, row);
    for (let i = 0; i < sum.length; i++) sum[i]! += v[i]!;
  }
  const norm = Math.hypot(...sum);
  return norm > 0 ? sum.map((x) => x / norm) : null;
}

const STOP_WORDS = new Set(['a', 'an', 'and', 'the', 'for', 'of', 'with', 'to', 'in', 'on', 'my', 'your', 'gift', 'gifts']);
// Crude singular ("skillets" → "skillet", not "glass" → "glas"): enough for word matching.
const stem = (word: string) => (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word);
const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu)?.filter((w) => w.length > 1 && !STOP_WORDS.has(w)).map(stem) ?? [];

/**
 * Search without the model (it failed to load): products whose title, tags, category or
 * description share words with the query, title matches counting most. Crude, but a
 * shopper still finds "skillet" when the encoder is unavailable.
 */
export function keywordResults(ctx: RecContext, query: string, options: RecOptions = {}): Recommendation[] {
  const s = shelf(ctx, { ...options, lambda: options.lambda ?? 1 }, 1);
  const terms = [...new Set(words(query))];
  if (terms.length === 0) return [];
  const rows: number[] = [];
  const scores: number[] = [];
  for (let row = 0; row < ctx.products.length; row++) {
    if (!s.allowed(row)) continue;
    const p = ctx.products[row]!;
    const title = new Set(words(p.title));
    const labels = new Set([...p.tags.flatMap(words), ...p.category.flatMap(words)]);
    const body = new Set(words(p.description));
    const score = terms.reduce((sum, t) => sum + (title.has(t) ? 3 : labels.has(t) ? 2 : body.has(t) ? 1 : 0), 0);
    if (score > 0) rows.push(row), scores.push(score);
  }
  return choose(ctx, s, rows, scores).map((picked) => recommendation(ctx, picked, 'Matches your words'));
}
