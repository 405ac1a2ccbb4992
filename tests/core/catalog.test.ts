import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseCatalog, productText, type Product } from '../../src/core/catalog.ts';
import {
  buildCatalog,
  catalogJson,
  CATALOG_DIR,
  CATALOG_FILE,
  DEFAULT_SEED,
  escapeXml,
  IMAGES_DIR,
  renderProductSvg,
} from '../../scripts/generate-catalog.ts';

const REGENERATE = 'run `node --import tsx scripts/generate-catalog.ts` to regenerate';

describe('shipped demo catalog', () => {
  const text = readFileSync(CATALOG_FILE, 'utf8');
  const catalog = parseCatalog(JSON.parse(text));
  const products = catalog.products;

  it('parses and carries its metadata', () => {
    expect(catalog.name).toBe('privet-demo');
    expect(catalog.currency).toBe('USD');
    expect(catalog.licence).toMatch(/^CC0-1\.0/);
  });

  it('is big and varied enough for the demo', () => {
    expect(products.length).toBeGreaterThanOrEqual(300);
    expect(new Set(products.map((p) => p.category[0])).size).toBeGreaterThanOrEqual(15);
    for (const p of products) expect([2, 3]).toContain(p.category.length);
    expect(products.some((p) => p.price < 30)).toBe(true);
    expect(products.some((p) => p.price > 100)).toBe(true);
    const outOfStock = products.filter((p) => !p.in_stock).length / products.length;
    expect(outOfStock).toBeGreaterThan(0.05);
    expect(outOfStock).toBeLessThan(0.15);
  });

  it('has unique ids, titles and descriptions', () => {
    for (const key of ['id', 'title', 'description'] as const) {
      const values = products.map((p) => p[key]);
      const dupes = values.filter((v, i) => values.indexOf(v) !== i);
      expect(dupes, `duplicate ${key}s`).toEqual([]);
    }
  });

  it('has URL-safe ids, positive cent prices, lowercase tags and 1-3 sentence descriptions', () => {
    for (const p of products) {
      expect(p.id).toMatch(/^p-\d{4}$/);
      expect(p.price, p.id).toBeGreaterThan(0);
      expect(Math.round(p.price * 100) / 100, p.id).toBe(p.price);
      expect(p.brand, p.id).not.toBe('');
      expect(p.tags.length, p.id).toBeGreaterThan(0);
      for (const tag of p.tags) expect(tag, p.id).toMatch(/^[a-z0-9-]+$/);
      const sentences = p.description.match(/[.!?](?=\s|$)/g) ?? [];
      expect(sentences.length, `${p.id}: ${p.description}`).toBeGreaterThanOrEqual(1);
      expect(sentences.length, `${p.id}: ${p.description}`).toBeLessThanOrEqual(3);
    }
  });

  it('has a small, well-formed, self-contained SVG for every product', () => {
    for (const p of products) {
      expect(p.image).toBe(`catalog/images/${p.id}.svg`);
      const file = join(CATALOG_DIR, '..', p.image);
      expect(existsSync(file), `${p.id}: ${file} is missing; ${REGENERATE}`).toBe(true);
      expect(statSync(file).size, p.id).toBeLessThan(2048);
      const svg = readFileSync(file, 'utf8');
      expect(svg.startsWith('<svg'), p.id).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>'), p.id).toBe(true);
      // Only the SVG namespace may look like a URL: no external images, fonts or links.
      const urls = svg.match(/https?:\/\/[^\s"']*/g) ?? [];
      expect(urls.filter((u) => u !== 'http://www.w3.org/2000/svg'), p.id).toEqual([]);
      expect(svg).not.toMatch(/@import|@font-face|href=/);
      // Bare & or < in text would make the file unparseable as XML.
      const textOnly = svg.replace(/<[^>]*>/g, '');
      expect(textOnly, p.id).not.toMatch(/<|>|&(?!#\d+;|amp;|lt;|gt;|quot;|apos;)/);
      expect(svg).toContain('font-family="sans-serif"');
    }
  });

  it('has no stray images', () => {
    const expected = new Set(products.map((p) => `${p.id}.svg`));
    expect(readdirSync(IMAGES_DIR).filter((name) => !expected.has(name))).toEqual([]);
  });

  it('matches the generator output byte for byte', () => {
    // Catches hand edits and a generator change that was never re-run.
    expect(text, REGENERATE).toBe(catalogJson(buildCatalog(DEFAULT_SEED)));
    for (const p of products) {
      expect(readFileSync(join(IMAGES_DIR, `${p.id}.svg`), 'utf8'), `${p.id}: ${REGENERATE}`).toBe(renderProductSvg(p));
    }
  });
});

describe('generator', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('is deterministic for a seed and never uses Math.random', () => {
    vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('the generator must use its seeded PRNG');
    });
    const first = buildCatalog(7);
    const second = buildCatalog(7);
    expect(second).toEqual(first);
    expect(catalogJson(second)).toBe(catalogJson(first));
    const p = first.products[0]!;
    expect(renderProductSvg(p)).toBe(renderProductSvg({ ...p }));
  });

  it('keeps ids and titles but varies prices when the seed changes', () => {
    const a = buildCatalog(1);
    const b = buildCatalog(2);
    expect(b.products.map((p) => `${p.id} ${p.title}`)).toEqual(a.products.map((p) => `${p.id} ${p.title}`));
    expect(b.products.map((p) => p.price)).not.toEqual(a.products.map((p) => p.price));
  });

  it('escapes XML in image text', () => {
    expect(escapeXml(`Salt & Pepper <Mill> "Tall" O'Neil`)).toBe('Salt &#38; Pepper &#60;Mill&#62; &#34;Tall&#34; O&#39;Neil');
    const svg = renderProductSvg({ ...buildCatalog().products[0]!, title: 'Fish & Chips <Deluxe>' });
    expect(svg).toContain('Fish &#38; Chips');
    expect(svg).not.toContain('<Deluxe>');
  });
});

const good: Product = {
  id: 'p-0001',
  title: 'Cast Iron Skillet 10-inch',
  description: 'Heavy and pre-seasoned.',
  category: ['Kitchen', 'Cookware', 'Skillets'],
  brand: 'Ironhollow',
  price: 34.99,
  in_stock: true,
  image: 'catalog/images/p-0001.svg',
  tags: ['cookware'],
};

const catalogOf = (...products: unknown[]) => ({ name: 'test', currency: 'USD', licence: 'CC0-1.0', products });

function without(key: keyof Product): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...good };
  delete copy[key];
  return copy;
}

describe('parseCatalog', () => {
  it('accepts a well-formed catalog and drops unknown fields', () => {
    const parsed = parseCatalog(catalogOf({ ...good, colour: 'black' }, { ...good, id: 'p-0002', price: 0, tags: [] }));
    expect(parsed.products[0]).toEqual(good);
    expect(parsed.products[1]!.price).toBe(0);
  });

  it.each([
    ['a missing title', catalogOf(without('title')), /products\[0\] \(id "p-0001"\): field "title" is missing/],
    ['a missing id', catalogOf(without('id')), /products\[0\]: field "id" is missing/],
    ['a missing price', catalogOf(good, { ...without('price'), id: 'p-0002' }), /products\[1\] \(id "p-0002"\): field "price" is missing/],
    ['an empty title', catalogOf({ ...good, title: '' }), /"title" must not be empty/],
    ['a blank title', catalogOf({ ...good, title: '   ' }), /"title" must not be empty/],
    ['a title that is a number', catalogOf({ ...good, title: 42 }), /"title" must be a string, got 42/],
    ['a negative price', catalogOf({ ...good, price: -5 }), /products\[0\] \(id "p-0001"\): field "price" must not be negative, got -5/],
    ['a price given as a string', catalogOf({ ...good, price: '34.99' }), /"price" must be a number, got "34.99"/],
    ['a non-finite price', catalogOf({ ...good, price: Number.NaN }), /"price" must be a finite number/],
    ['in_stock as a string', catalogOf({ ...good, in_stock: 'yes' }), /"in_stock" must be a boolean/],
    ['category as a string', catalogOf({ ...good, category: 'Kitchen' }), /"category" must be an array of strings/],
    ['an empty category path', catalogOf({ ...good, category: [] }), /"category" must not be an empty array/],
    ['a non-string tag', catalogOf({ ...good, tags: ['ok', 3] }), /"tags" \[1\] must be a string/],
    ['a null brand', catalogOf({ ...good, brand: null }), /"brand" must be a string, got null/],
    ['an id with a space', catalogOf({ ...good, id: 'p 1' }), /"id" "p 1" may only use/],
    ['a duplicate id', catalogOf(good, { ...good, title: 'Other' }), /products\[1\] \(id "p-0001"\): field "id" duplicates products\[0\]/],
    ['a product that is not an object', catalogOf(good, 'p-0002'), /products\[1\] must be an object/],
    ['products that are not an array', { ...catalogOf(), products: {} }, /field "products" must be an array/],
    ['a lowercase currency', { ...catalogOf(good), currency: 'usd' }, /"currency" must be a three-letter ISO 4217 code/],
    ['a missing name', { currency: 'USD', licence: 'x', products: [] }, /catalog: field "name" is missing/],
    ['a top-level array', [good], /expected a JSON object at the top level, got an array/],
  ])('rejects %s', (_, input, message) => {
    expect(() => parseCatalog(input)).toThrow(message);
  });
});

describe('productText', () => {
  it('joins title, category path and description', () => {
    expect(productText(good)).toBe('Cast Iron Skillet 10-inch. Kitchen > Cookware > Skillets. Heavy and pre-seasoned.');
  });

  it('does not double punctuation or leave a dangling separator', () => {
    expect(productText({ ...good, title: 'Why Do Cats Purr?', description: '' })).toBe('Why Do Cats Purr? Kitchen > Cookware > Skillets.');
  });
});
