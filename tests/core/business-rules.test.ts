import { describe, expect, it } from 'vitest';
import type { Product } from '../../src/core/catalog.ts';
import { ruleFilter, type BusinessRules } from '../../src/core/business-rules.ts';

const product = (id: string, price: number, category: string[], in_stock = true, tags: string[] = []): Product => ({ id, title: id, description: '', category, brand: '', price, in_stock, image: 'i', tags });
const products = [
  product('skillet', 24, ['Kitchen', 'Cookware', 'Skillets'], true, ['cast-iron']),
  product('dutch-oven', 90, ['Kitchen', 'Cookware', 'Dutch Ovens'], true, ['cast-iron', 'kids']),
  product('spatula', 8, ['Kitchen', 'Utensils'], true, ['kids']),
  product('mat', 30, ['Yoga', 'Mats'], false, ['kids']),
  product('sample', 0, ['Kitchen', 'Cook']),
];
const passing = (rules?: BusinessRules) => {
  const allowed = ruleFilter(products, rules);
  return products.flatMap((p, row) => (allowed(row) ? [p.id] : []));
};

describe('ruleFilter', () => {
  it('keeps only in-stock items unless told otherwise', () => {
    expect(passing()).toEqual(['skillet', 'dutch-oven', 'spatula', 'sample']);
    expect(passing({ inStockOnly: false })).toContain('mat');
  });

  it('excludes ids and rows, ignoring ids the catalogue no longer has', () => {
    expect(passing({ excludeIds: ['skillet', 'gone'], excludeRows: [2] })).toEqual(['dutch-oven', 'sample']);
    expect(passing({ excludeIds: new Set(['sample']) })).toEqual(['skillet', 'dutch-oven', 'spatula']);
  });

  it('applies an inclusive price range with either bound', () => {
    expect(passing({ price: { min: 8, max: 24 } })).toEqual(['skillet', 'spatula']);
    expect(passing({ price: { max: 10 } })).toEqual(['spatula', 'sample']);
    expect(passing({ price: { min: 30 }, inStockOnly: false })).toEqual(['dutch-oven', 'mat']);
  });

  it('restricts to a category path prefix by whole segments', () => {
    expect(passing({ category: 'Kitchen > Cookware' })).toEqual(['skillet', 'dutch-oven']);
    expect(passing({ category: 'Kitchen' })).toEqual(['skillet', 'dutch-oven', 'spatula', 'sample']);
    expect(passing({ category: 'Kitchen > Cook' })).toEqual(['sample']);
    expect(passing({ category: 'Garden' })).toEqual([]);
  });

  it('keeps only products carrying the tag (whole tags, any case), together with the other rules', () => {
    expect(passing({ tag: 'kids' })).toEqual(['dutch-oven', 'spatula']);
    expect(passing({ tag: 'kids', inStockOnly: false })).toEqual(['dutch-oven', 'spatula', 'mat']);
    expect(passing({ tag: 'kids', price: { max: 50 } })).toEqual(['spatula']);
    expect(passing({ tag: 'kids', category: 'Kitchen > Cookware' })).toEqual(['dutch-oven']);
    expect(passing({ tag: 'kids', excludeIds: ['spatula'] })).toEqual(['dutch-oven']);
    expect(passing({ tag: 'cast-iron', price: { max: 50 } })).toEqual(['skillet']);
    expect(passing({ tag: 'kid' })).toEqual([]);
    // Case-insensitive: a feed's "Kids" and a shopper's "kids" are one tag.
    expect(passing({ tag: 'Kids' })).toEqual(passing({ tag: 'kids' }));
    expect(passing({ tag: 'kids' }).length).toBeGreaterThan(0);
    expect(passing({ tag: 'gardening' })).toEqual([]);
  });

  it('rejects impossible rules clearly', () => {
    expect(() => ruleFilter(products, { price: { min: 50, max: 20 } })).toThrow(/price min 50 is above max 20/);
    expect(() => ruleFilter(products, { price: { min: -1 } })).toThrow(/price min must be a non-negative number, got -1/);
    expect(() => ruleFilter(products, { excludeRows: [5] })).toThrow(/excluded row 5 is not in the catalogue \(5 rows\)/);
    expect(() => ruleFilter(products, { category: ' ' })).toThrow(/category must not be empty/);
  });
});
