/**
 * The merchant's and the page's hard filters. Recommendations apply them to every
 * candidate before cutting to a top-N, never to the cut list, so a rule can only empty a
 * shelf when no product in the catalogue passes it.
 */
import type { Product } from './catalog.ts';

/** Inclusive bounds in the catalogue's currency; either may be absent. */
export interface PriceRange {
  min?: number;
  max?: number;
}

export interface BusinessRules {
  /** Default true: a shelf of things that cannot be bought is worse than a shorter one. */
  inStockOnly?: boolean;
  /** E.g. the product on the page, the cart, past purchases. Unknown ids are ignored (a product may have left the catalogue). */
  excludeIds?: Iterable<string>;
  excludeRows?: Iterable<number>;
  price?: PriceRange;
  /**
   * A category path prefix in the intent head's form, "Kitchen > Cookware": products under
   * it pass, whole segments only ("Kitchen > Cook" matches nothing).
   */
  category?: string;
  /** Only products carrying this tag (e.g. "kids" from a query's "for kids"). */
  tag?: string;
}

export function checkPriceRange(range: PriceRange): PriceRange {
  for (const key of ['min', 'max'] as const) {
    const bound = range[key];
    if (bound !== undefined && !(Number.isFinite(bound) && bound >= 0)) throw new Error(`business rules: price ${key} must be a non-negative number, got ${bound}`);
  }
  if (range.min !== undefined && range.max !== undefined && range.min > range.max) throw new Error(`business rules: price min ${range.min} is above max ${range.max}`);
  return range;
}

/** The rules compiled once into a per-row test. */
export function ruleFilter(products: readonly Product[], rules: BusinessRules = {}): (row: number) => boolean {
  const inStockOnly = rules.inStockOnly ?? true;
  const excludedIds = new Set(rules.excludeIds);
  const excludedRows = new Set(rules.excludeRows);
  for (const row of excludedRows) {
    if (!Number.isInteger(row) || row < 0 || row >= products.length) throw new Error(`business rules: excluded row ${row} is not in the catalogue (${products.length} rows)`);
  }
  const { min = 0, max = Infinity } = checkPriceRange(rules.price ?? {});
  if (rules.category?.trim() === '') throw new Error('business rules: category must not be empty');
  const path = rules.category?.split(' > ') ?? [];
  // Catalogue tags are matched case-insensitively: a feed's "Kids" is a shopper's "kids".
  const tag = rules.tag?.toLowerCase();
  return (row) => {
    const product = products[row];
    return (
      product !== undefined &&
      (!inStockOnly || product.in_stock) &&
      !excludedRows.has(row) &&
      !excludedIds.has(product.id) &&
      product.price >= min &&
      product.price <= max &&
      path.every((segment, i) => product.category[i] === segment) &&
      (tag === undefined || product.tags.some((t) => t.toLowerCase() === tag))
    );
  };
}
