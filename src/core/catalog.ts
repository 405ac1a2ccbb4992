/**
 * The product catalog a store hands to Privet (public/catalog/demo-catalog.json for the
 * demo storefront). Everything downstream — the embedder, the index, the widget — reads
 * products through parseCatalog, so a malformed feed fails here, once, with a message that
 * says which product and which field, instead of surfacing later as NaN scores or
 * "undefined" in the widget.
 */

export interface Product {
  /** Stable across catalog rebuilds: interaction logs and the vector index key on it. */
  id: string;
  title: string;
  description: string;
  /** Top-level category first, e.g. ["Kitchen", "Cookware", "Skillets"]. */
  category: string[];
  brand: string;
  /** In the catalog's currency, major units (dollars, not cents). */
  price: number;
  in_stock: boolean;
  /** URL of the product image, relative to the storefront root or absolute. */
  image: string;
  tags: string[];
}

export interface Catalog {
  name: string;
  /** ISO 4217 code, e.g. "USD". */
  currency: string;
  licence: string;
  products: Product[];
}

// Ids end up in URLs, DOM attributes and log lines; keeping them to this alphabet means
// nobody downstream has to think about escaping.
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
// Intl.NumberFormat throws a RangeError on a malformed currency code; catch it at load
// time rather than the first time a price is rendered.
const CURRENCY_CODE = /^[A-Z]{3}$/;

function fail(what: string): never {
  throw new Error(`invalid catalog: ${what}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number') return String(value);
  return `a ${typeof value}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads fields off one object and prefixes every failure with where that object lives. */
class FieldReader {
  constructor(
    private readonly obj: Record<string, unknown>,
    private readonly where: string,
  ) {}

  fail(key: string, problem: string): never {
    fail(`${this.where}: field "${key}" ${problem}`);
  }

  private present(key: string): unknown {
    if (!Object.prototype.hasOwnProperty.call(this.obj, key) || this.obj[key] === undefined) {
      this.fail(key, 'is missing');
    }
    return this.obj[key];
  }

  string(key: string, options: { nonEmpty: boolean }): string {
    const value = this.present(key);
    if (typeof value !== 'string') this.fail(key, `must be a string, got ${describe(value)}`);
    // Whitespace-only titles render as blank cards and embed as noise, so they count as empty.
    if (options.nonEmpty && value.trim() === '') this.fail(key, 'must not be empty');
    return value;
  }

  boolean(key: string): boolean {
    const value = this.present(key);
    if (typeof value !== 'boolean') this.fail(key, `must be a boolean, got ${describe(value)}`);
    return value;
  }

  price(key: string): number {
    const value = this.present(key);
    if (typeof value !== 'number') this.fail(key, `must be a number, got ${describe(value)}`);
    if (!Number.isFinite(value)) this.fail(key, `must be a finite number, got ${describe(value)}`);
    // Zero is allowed (free samples, gift cards at no cost); a negative price is always a feed bug.
    if (value < 0) this.fail(key, `must not be negative, got ${describe(value)}`);
    return value;
  }

  strings(key: string, options: { nonEmptyList: boolean }): string[] {
    const value = this.present(key);
    if (!Array.isArray(value)) this.fail(key, `must be an array of strings, got ${describe(value)}`);
    if (options.nonEmptyList && value.length === 0) this.fail(key, 'must not be an empty array');
    return value.map((item: unknown, i) => {
      if (typeof item !== 'string') this.fail(key, `[${i}] must be a string, got ${describe(item)}`);
      if (item.trim() === '') this.fail(key, `[${i}] must not be empty`);
      return item;
    });
  }
}

function parseProduct(value: unknown, index: number): Product {
  if (!isRecord(value)) fail(`products[${index}] must be an object, got ${describe(value)}`);
  // Name the id in messages when it is usable: "p-0042" is what a person greps the feed for.
  const rawId = value.id;
  const where = typeof rawId === 'string' && rawId !== '' ? `products[${index}] (id ${JSON.stringify(rawId)})` : `products[${index}]`;
  const read: FieldReader = new FieldReader(value, where);

  const id = read.string('id', { nonEmpty: true });
  if (!SAFE_ID.test(id)) read.fail('id', `${describe(id)} may only use letters, digits, '_' and '-'`);

  // Unknown fields are dropped rather than rejected so a store can ship extra feed columns
  // without breaking older Privet builds; the returned object has exactly the known shape.
  return {
    id,
    title: read.string('title', { nonEmpty: true }),
    description: read.string('description', { nonEmpty: false }),
    category: read.strings('category', { nonEmptyList: true }),
    brand: read.string('brand', { nonEmpty: false }),
    price: read.price('price'),
    in_stock: read.boolean('in_stock'),
    image: read.string('image', { nonEmpty: true }),
    tags: read.strings('tags', { nonEmptyList: false }),
  };
}

/**
 * Validates untrusted JSON (a fetched feed, a file) into a Catalog. Throws an Error whose
 * message names the product index, its id when it has one, and the offending field.
 */
export function parseCatalog(json: unknown): Catalog {
  if (!isRecord(json)) fail(`expected a JSON object at the top level, got ${describe(json)}`);
  // Annotated so TypeScript treats top.fail (returns never) as ending control flow.
  const top: FieldReader = new FieldReader(json, 'catalog');
  const name = top.string('name', { nonEmpty: true });
  const currency = top.string('currency', { nonEmpty: true });
  if (!CURRENCY_CODE.test(currency)) top.fail('currency', `must be a three-letter ISO 4217 code like "USD", got ${describe(currency)}`);
  const licence = top.string('licence', { nonEmpty: true });

  const rawProducts = json.products;
  if (!Array.isArray(rawProducts)) top.fail('products', `must be an array, got ${describe(rawProducts)}`);

  const firstIndexById = new Map<string, number>();
  const products = rawProducts.map((raw: unknown, index) => {
    const product = parseProduct(raw, index);
    const first = firstIndexById.get(product.id);
    // A duplicate id would silently merge two products' interactions and vectors.
    if (first !== undefined) fail(`products[${index}] (id ${JSON.stringify(product.id)}): field "id" duplicates products[${first}]`);
    firstIndexById.set(product.id, index);
    return product;
  });

  return { name, currency, licence, products };
}

function asSentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * The text the sentence encoder sees for a product. Title first because encoders truncate
 * at max_tokens and the title is the most specific signal; the category path next so items
 * with thin descriptions still land near their neighbours. Change this and every stored
 * product vector is stale: re-embed the catalog.
 */
export function productText(p: Product): string {
  // Title and path get a full stop so the encoder reads them as separate clauses; the
  // description is prose already and is passed through untouched.
  const parts = [asSentence(p.title), asSentence(p.category.join(' > ')), p.description.trim()];
  return parts.filter((part) => part !== '' && part !== '.').join(' ');
}
