import { describe, expect, it } from 'vitest';
import type { Product } from '../../src/core/catalog.ts';
import type { IntentPrediction } from '../../src/core/intent-head.ts';
import { itemVector, quantizeRows, scoreAll } from '../../src/core/item-matrix.ts';
import { neighboursFromLists } from '../../src/core/neighbours.ts';
import { revenueScale } from '../../src/core/objective.ts';
import {
  featured,
  forYou,
  goesWellWith,
  keywordResults,
  profileVector,
  recentlyViewed,
  SEARCH_INTENT_WEIGHT,
  SEARCH_PROFILE_WEIGHT,
  searchResults,
  similar,
  trending,
  type RecContext,
  type Recommendation,
} from '../../src/core/recommendations.ts';

const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
const items: [string, string[], number, number[], boolean?][] = [
  ['Skillet 8"', ['Kitchen', 'Cookware', 'Skillets'], 24, [1, 0, 0, 0]],
  ['Skillet 12"', ['Kitchen', 'Cookware', 'Skillets'], 40, [0.98, 0.2, 0, 0]],
  ['Spatula', ['Kitchen', 'Utensils', 'Spatulas'], 8, [0.6, 0.8, 0, 0]],
  ['Oven Mitt', ['Kitchen', 'Linens', 'Oven Mitts'], 12, [0.5, 0, 0.86, 0]],
  ['Dutch Oven', ['Kitchen', 'Cookware', 'Dutch Ovens'], 90, [0.9, 0, 0, 0.43]],
  ['Yoga Mat', ['Yoga', 'Mats'], 30, [0, 0, 0, 1]],
  ['Yoga Block', ['Yoga', 'Props'], 15, [0, 0.3, 0, 0.95], false],
  ['Mug', ['Coffee', 'Mugs'], 10, [0, 0, 1, 0]],
];
const products: Product[] = items.map(([title, category, price, , inStock = true], row) => ({
  id: `p-${row}`,
  title,
  description: '',
  category,
  brand: '',
  price,
  in_stock: inStock,
  image: 'i',
  tags: [],
}));
const ctx: RecContext = { products, matrix: quantizeRows(Float32Array.from(items.flatMap(([, , , v]) => unit(v))), 4), revenueScale: revenueScale(products) };
const rows = (recs: Recommendation[]) => recs.map(({ row }) => row);
const reasons = (recs: Recommendation[]) => recs.map(({ reason }) => reason);
const noNeighbours = neighboursFromLists(products.map(() => []));

describe('forYou', () => {
  // Clicks favour the yoga mat, purchases the dutch oven; the out-of-stock block tops both.
  const model = { click: Float32Array.of(1, 1, 0, 0, 2, 4, 9, 0), purchase: Float32Array.of(1, 1, 0, 0, 4, 2, 9, 0) };
  const none = () => null;

  it('follows the merchant objective and never shows what the rules exclude', () => {
    expect(rows(forYou(ctx, model, none, { k: 2, lambda: 1, objective: { click: 1, purchase: 0, revenue: 0 } }))).toEqual([5, 4]);
    expect(rows(forYou(ctx, model, none, { k: 2, lambda: 1, objective: { click: 0, purchase: 1, revenue: 0 } }))).toEqual([4, 5]);
    const recs = forYou(ctx, model, none, { k: 3, lambda: 1, rules: { excludeIds: ['p-4', 'p-5'] } });
    expect(rows(recs)).toEqual([0, 1, 2]);
    expect(recs[0]).toMatchObject({ id: 'p-0', reason: 'Recommended for you' });
  });

  it('cuts to the pool after the rules, so excluding the top items cannot empty the shelf', () => {
    expect(rows(forYou(ctx, model, none, { k: 2, pool: 1, lambda: 1, rules: { excludeRows: [4, 5] } }))).toEqual([0, 1]);
  });

  it('spreads near-duplicates apart by default and not with λ = 1', () => {
    // Both skillets and the yoga mat are almost equally likely; the second skillet adds little.
    const logits = Float32Array.of(5, 4.95, 0, 0, 0, 4.9, 0, 0);
    const skillets = { click: logits, purchase: logits };
    expect(rows(forYou(ctx, skillets, none, { k: 3, lambda: 1 }))).toEqual([0, 1, 5]);
    expect(rows(forYou(ctx, skillets, none, { k: 3 }))).toEqual([0, 5, 1]);
  });

  it('names the history item the ranker credits', () => {
    const recs = forYou(ctx, model, (row) => (row === 5 ? { historyRow: 6 } : null), { k: 2, lambda: 1, objective: { click: 1, purchase: 0, revenue: 0 } });
    expect(reasons(recs)).toEqual(['Because you viewed Yoga Block', 'Recommended for you']);
    expect(() => forYou(ctx, model, () => ({ historyRow: 8 }))).toThrow(/explained history row 8 is not in the catalogue \(8 rows\)/);
  });

  it('rejects bad k, λ, pool, score lengths and a matrix that does not match the catalogue', () => {
    expect(() => forYou(ctx, model, none, { k: 0 })).toThrow(/k must be a whole number ≥ 1, got 0/);
    expect(() => forYou(ctx, model, none, { lambda: -0.1 })).toThrow(/λ must be in \[0, 1\]/);
    expect(() => forYou(ctx, model, none, { pool: 2.5 })).toThrow(/pool must be a whole number/);
    expect(() => forYou(ctx, { click: new Float32Array(3), purchase: model.purchase }, none)).toThrow(/click scores have 3 rows, the catalogue has 8/);
    expect(() => forYou({ ...ctx, products: products.slice(1) }, model, none)).toThrow(/8 item rows for 7 products/);
  });
});

describe('similar', () => {
  it('ranks by embedding cosine without the item itself or out-of-stock items', () => {
    const recs = similar(ctx, 0, { k: 3, lambda: 1 });
    expect(rows(recs)).toEqual([1, 4, 2]);
    expect(recs[0]!.score).toBeCloseTo(0.98, 2);
    expect(new Set(reasons(recs))).toEqual(new Set(['Similar to Skillet 8"']));
    expect(rows(similar(ctx, 5, { k: 8 }))).not.toContain(6);
    expect(() => similar(ctx, -1)).toThrow(/item row -1 is not in the catalogue/);
  });
});

describe('goesWellWith', () => {
  const orders = neighboursFromLists(
    products.map((_, row) =>
      row === 0
        ? [[1, 0.9], [2, 0.5], [3, 0.4]]
        : row === 5
          ? [[3, 0.3], [7, 0.2]]
          : [],
    ),
  );

  it('sums co-occurrence over the cart, credits the strongest cart item, skips the cart and its leaf categories', () => {
    const recs = goesWellWith(ctx, [0, 5], orders, { k: 3, lambda: 1 });
    expect(rows(recs)).toEqual([3, 2, 7]);
    expect(recs[0]!.score).toBeCloseTo(0.7, 6);
    expect(reasons(recs)).toEqual(['Goes well with Skillet 8"', 'Goes well with Skillet 8"', 'Goes well with Yoga Mat']);
  });

  it('allows the same leaf category when asked', () => {
    expect(rows(goesWellWith(ctx, [0], orders, { k: 1, sameCategory: true }))).toEqual([1]);
  });

  it('falls back to the most similar items in other leaf categories without co-occurrence data', () => {
    const recs = goesWellWith(ctx, [0], noNeighbours, { k: 2, lambda: 1 });
    expect(rows(recs)).toEqual([4, 2]);
    expect(reasons(recs)).toEqual(['Goes well with Skillet 8"', 'Goes well with Skillet 8"']);
    // Each fallback item is credited to the cart item it is closest to.
    expect(goesWellWith(ctx, [0, 5], noNeighbours, { k: 1, rules: { category: 'Yoga', inStockOnly: false } })[0]).toMatchObject({
      row: 6,
      reason: 'Goes well with Yoga Mat',
    });
  });

  it('tops up thin co-occurrence with the fallback after it', () => {
    const thin = neighboursFromLists(products.map((_, row) => (row === 0 ? [[7, 1]] : [])));
    expect(rows(goesWellWith(ctx, [0], thin, { k: 3, lambda: 1 }))).toEqual([7, 4, 2]);
  });

  it('returns nothing for an empty cart and rejects foreign inputs', () => {
    expect(goesWellWith(ctx, [], orders)).toEqual([]);
    expect(() => goesWellWith(ctx, [8], orders)).toThrow(/cart row 8 is not in the catalogue/);
    expect(() => goesWellWith(ctx, [0], neighboursFromLists([[]]))).toThrow(/neighbours cover 1 rows, the catalogue has 8/);
  });
});

describe('trending', () => {
  const popularity = Float64Array.of(5, 9, 0, 3, 1, 7, 100, 2);

  it('orders by recent counts, leaves out items with none, and names a restricting category', () => {
    const recs = trending(ctx, popularity, { k: 3, lambda: 1 });
    expect(rows(recs)).toEqual([1, 5, 0]);
    expect(recs[0]).toMatchObject({ score: 9, reason: 'Popular right now' });
    expect(rows(trending(ctx, popularity, { k: 10, lambda: 1 }))).toHaveLength(6);
    const cookware = trending(ctx, popularity, { k: 5, lambda: 1, rules: { category: 'Kitchen > Cookware' } });
    expect(rows(cookware)).toEqual([1, 0, 4]);
    expect(new Set(reasons(cookware))).toEqual(new Set(['Trending in Cookware']));
  });

  it('rejects counts that do not fit the catalogue', () => {
    expect(() => trending(ctx, [1, 2])).toThrow(/popularity has 2 rows, the catalogue has 8/);
    expect(() => trending(ctx, Float64Array.of(1, 1, 1, -1, 1, 1, 1, 1))).toThrow(/popularity of row 3 is -1/);
  });
});

describe('recentlyViewed', () => {
  const views = [
    { row: 2, at: 1 },
    { row: 5, at: 2 },
    { row: 2, at: 3 },
    { row: 6, at: 4 },
  ];

  it('lists each viewed item once, latest view first, in stock unless told otherwise', () => {
    const recs = recentlyViewed(ctx, views);
    expect(rows(recs)).toEqual([2, 5]);
    expect(new Set(reasons(recs))).toEqual(new Set(['You viewed this']));
    expect(rows(recentlyViewed(ctx, views, { rules: { inStockOnly: false } }))).toEqual([6, 2, 5]);
    expect(rows(recentlyViewed(ctx, views, { k: 1 }))).toEqual([2]);
  });

  it('rejects views of rows outside the catalogue', () => {
    expect(() => recentlyViewed(ctx, [{ row: 8, at: 1 }])).toThrow(/viewed row 8 is not in the catalogue/);
    expect(() => recentlyViewed(ctx, [{ row: 1, at: Number.NaN }])).toThrow(/view of row 1 has time NaN/);
  });
});

describe('featured', () => {
  it('follows the feed order among the rows the rules allow', () => {
    const recs = featured(ctx, { k: 8, lambda: 1 });
    expect(rows(recs)).toEqual([0, 1, 2, 3, 4, 5, 7]);
    expect(new Set(reasons(recs))).toEqual(new Set(['Featured by the store']));
    expect(recs[0]).toMatchObject({ id: 'p-0', reason: 'Featured by the store' });
    expect(rows(featured(ctx, { k: 3, lambda: 1, rules: { excludeRows: [0, 2] } }))).toEqual([1, 3, 4]);
    expect(rows(featured(ctx, { k: 8, lambda: 1, rules: { inStockOnly: false, category: 'Yoga' } }))).toEqual([5, 6]);
    expect(rows(featured(ctx, { k: 2, lambda: 1, rules: { price: { max: 12 } } }))).toEqual([2, 3]);
  });

  it('opens with the first allowed feed item and spreads near-duplicates by default', () => {
    // The 12" skillet is second in the feed but nearly the 8" one: diversity moves it down.
    expect(rows(featured(ctx, { k: 3 }))).toEqual([0, 5, 2]);
    expect(rows(featured(ctx, { k: 1, rules: { excludeIds: ['p-0'] } }))).toEqual([1]);
  });
});

// A second catalogue for search: words in titles, tags, categories and descriptions.
const shopItems: { title: string; category: string[]; price: number; v: number[]; tags?: string[]; description?: string; inStock?: boolean }[] = [
  { title: 'Cast Iron Skillet', category: ['Kitchen', 'Cookware', 'Skillets'], price: 40, v: [1, 0, 0, 0], tags: ['cast-iron'], description: 'Pre-seasoned, oven safe.' },
  { title: 'Yoga Mat', category: ['Yoga', 'Mats'], price: 30, v: [0, 1, 0, 0], tags: ['kids'], description: 'Non-slip.' },
  { title: 'Ceramic Mug', category: ['Coffee', 'Mugs'], price: 10, v: [0, 0, 1, 0], description: 'Holds 350 ml, size M.' },
  { title: 'Grill Pan', category: ['Kitchen', 'Cookware', 'Grill Pans'], price: 35, v: [0.9, 0, 0, 0.43], tags: ['skillet'] },
  { title: 'Trivet', category: ['Kitchen', 'Linens'], price: 12, v: [0, 0, 0.3, 0.95], description: 'Keeps a hot skillet off the table.' },
  { title: 'Skillet Lid', category: ['Kitchen', 'Cookware', 'Lids'], price: 15, v: [0.95, 0, 0.31, 0], inStock: false },
  { title: 'Griddle', category: ['Kitchen', 'Skillet'], price: 50, v: [0.7, 0, 0, 0.71] },
];
const shopProducts: Product[] = shopItems.map(({ title, category, price, tags = [], description = '', inStock = true }, row) => ({
  id: `s-${row}`,
  title,
  description,
  category,
  brand: '',
  price,
  in_stock: inStock,
  image: 'i',
  tags,
}));
const shop: RecContext = {
  products: shopProducts,
  matrix: quantizeRows(Float32Array.from(shopItems.flatMap(({ v }) => unit(v))), 4),
  revenueScale: revenueScale(shopProducts),
};
const SKILLET = 0;
const MAT = 1;
const MUG = 2;
const LID = 5;
const intents = (categories: [string, number][]): IntentPrediction => ({ categories: categories.map(([name, probability]) => ({ name, probability })), behaviours: [] });

describe('searchResults', () => {
  // Between the skillet and the yoga mat, a little nearer the skillet: a near-tie.
  const query = Float32Array.from(unit([1, 0.98, 0.2, 0]));
  const cosines = scoreAll(query, shop.matrix);
  const gap = cosines[SKILLET]! - cosines[MAT]!;
  const search = (signals: { intents?: IntentPrediction | null; profile?: Float32Array | null }, options = {}) =>
    searchResults(shop, { query, intents: signals.intents ?? null, profile: signals.profile ?? null }, options);

  it('ranks by cosine to the query without intents or a profile, in stock only by default', () => {
    expect(gap).toBeGreaterThan(0);
    expect(gap).toBeLessThan(SEARCH_PROFILE_WEIGHT);
    // The out-of-stock lid is the nearest of all.
    expect(cosines[LID]).toBeGreaterThan(cosines[SKILLET]!);
    expect(rows(search({}, { k: 1 }))).toEqual([SKILLET]);
    expect(rows(search({}, { k: 3, lambda: 1 }))).toEqual([SKILLET, MAT, 3]);
    expect(rows(search({}, { k: 1, rules: { inStockOnly: false } }))).toEqual([LID]);
    const mug = searchResults(shop, { query: itemVector(shop.matrix, MUG), intents: null, profile: null }, { k: 1 });
    expect(mug[0]).toMatchObject({ row: MUG, id: 's-2', reason: 'Matches your search' });
    expect(mug[0]!.score).toBeCloseTo(1, 2);
  });

  it('lets the intent on a product\'s category, or a prefix of it, break a near-tie', () => {
    const enough = (1.5 * gap) / SEARCH_INTENT_WEIGHT;
    const tooLittle = (0.5 * gap) / SEARCH_INTENT_WEIGHT;
    expect(rows(search({ intents: intents([['Yoga > Mats', enough]]) }, { k: 1 }))).toEqual([MAT]);
    expect(rows(search({ intents: intents([['Yoga', enough]]) }, { k: 1 }))).toEqual([MAT]);
    expect(rows(search({ intents: intents([['Yoga > Mats', tooLittle]]) }, { k: 1 }))).toEqual([SKILLET]);
    // A path that is not a whole-segment prefix of the mat's category gives it nothing.
    expect(rows(search({ intents: intents([['Yoga > Mat', enough], ['Mats', enough]]) }, { k: 1 }))).toEqual([SKILLET]);
    expect(rows(search({ intents: intents([['Kitchen', 1], ['Yoga > Mats', enough]]) }, { k: 1 }))).toEqual([SKILLET]);
  });

  it('lets the shopper\'s profile break a near-tie, and says so', () => {
    const yogi = profileVector(shop.matrix, [MAT])!;
    expect(SEARCH_PROFILE_WEIGHT * (scoreAll(yogi, shop.matrix)[MAT]! - scoreAll(yogi, shop.matrix)[SKILLET]!)).toBeGreaterThan(gap);
    const recs = search({ profile: yogi }, { k: 2, lambda: 1 });
    expect(rows(recs)).toEqual([MAT, SKILLET]);
    expect(reasons(recs)).toEqual(['Matches your search and what you viewed', 'Matches your search']);
    const cook = search({ profile: profileVector(shop.matrix, [SKILLET]) }, { k: 2, lambda: 1 });
    expect(rows(cook)).toEqual([SKILLET, MAT]);
    expect(reasons(cook)).toEqual(['Matches your search and what you viewed', 'Matches your search']);
  });

  it('applies the rules before the cut, so a price filter cannot empty the results', () => {
    expect(rows(search({}, { k: 1, pool: 1, rules: { price: { max: 32 } } }))).toEqual([MAT]);
    expect(rows(search({}, { k: 2, pool: 1, lambda: 1, rules: { price: { min: 36 } } }))).toEqual([SKILLET, 6]);
    expect(rows(search({}, { k: 10, rules: { tag: 'kids' } }))).toEqual([MAT]);
    expect(search({}, { rules: { price: { min: 1000 } } })).toEqual([]);
  });
});

describe('profileVector', () => {
  it('is the unit-length mean of the rows, and null without rows', () => {
    const both = profileVector(shop.matrix, [SKILLET, MUG])!;
    expect(Math.hypot(...both)).toBeCloseTo(1, 6);
    [Math.SQRT1_2, 0, Math.SQRT1_2, 0].forEach((x, i) => expect(both[i]).toBeCloseTo(x, 2));
    // Weighted by how often a row appears, like a mean.
    const mostlyMug = profileVector(shop.matrix, [SKILLET, MUG, MUG, MUG])!;
    [1, 0, 3, 0].map((x) => x / Math.hypot(1, 3)).forEach((x, i) => expect(mostlyMug[i]).toBeCloseTo(x, 2));
    expect(profileVector(shop.matrix, [])).toBeNull();
    // Opposite items cancel: no direction, no profile.
    expect(profileVector(quantizeRows(Float32Array.of(1, 0, -1, 0), 2), [0, 1])).toBeNull();
  });
});

describe('keywordResults', () => {
  it('ranks title matches above tag and category matches above description matches', () => {
    const recs = keywordResults(shop, 'skillet');
    expect(rows(recs)).toEqual([SKILLET, 3, 6, 4]);
    expect(recs.map(({ score }) => score)).toEqual([3, 2, 2, 1]);
    expect(new Set(reasons(recs))).toEqual(new Set(['Matches your words']));
    // Case and punctuation do not matter; several words add up.
    expect(rows(keywordResults(shop, 'Keeps HOT skillet, table!', { k: 2 }))).toEqual([4, SKILLET]);
    expect(rows(keywordResults(shop, 'yoga'))).toEqual([MAT]);
    expect(keywordResults(shop, 'kettle')).toEqual([]);
  });

  it('returns nothing for stop words alone', () => {
    expect(keywordResults(shop, 'a gift for the')).toEqual([]);
    expect(keywordResults(shop, '')).toEqual([]);
    expect(keywordResults(shop, 'a')).toEqual([]);
    // Single letters are noise ("size M"), never a match.
    expect(keywordResults(shop, 'M')).toEqual([]);
    expect(rows(keywordResults(shop, 'M size'))).toEqual([MUG]);
  });

  it('applies the rules', () => {
    expect(rows(keywordResults(shop, 'skillet', { rules: { inStockOnly: false } }))).toEqual([SKILLET, LID, 3, 6, 4]);
    expect(rows(keywordResults(shop, 'skillet', { rules: { price: { max: 36 } } }))).toEqual([3, 4]);
    expect(rows(keywordResults(shop, 'skillet', { k: 2 }))).toEqual([SKILLET, 3]);
    expect(rows(keywordResults(shop, 'skillet', { rules: { category: 'Kitchen > Cookware' } }))).toEqual([SKILLET, 3]);
  });
});
