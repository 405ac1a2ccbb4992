/**
 * A catalogue as CSV (RFC 4180: comma-separated, double-quoted fields may hold commas,
 * newlines and "" for a quote; CRLF or LF line ends; a UTF-8 BOM is ignored), for merchants
 * whose product feed is a spreadsheet export. The first row names the columns, in any order:
 *
 *   id           required  letters, digits, '_' and '-'
 *   title        required
 *   category     required  the path, top level first, separated by '>': "Kitchen > Cookware"
 *   price        required  a number in major units (12.50)
 *   image        required  URL of the product image
 *   description  optional  (empty)
 *   brand        optional  (empty)
 *   in_stock     optional  true/false, yes/no or 1/0 (true)
 *   tags         optional  separated by '|': "gift|kitchen" (none)
 *
 * Other columns are ignored, as unknown JSON fields are. The catalogue's name, currency and
 * licence are not per row: the caller supplies them. Every error names the row (the header
 * is row 1, as a spreadsheet numbers it) and the column; the rest of the checks are
 * parseCatalog's, so a CSV and a JSON feed are held to exactly the same rules.
 */
import { parseCatalog, type Catalog } from './catalog.ts';

export const CSV_REQUIRED_COLUMNS = ['id', 'title', 'category', 'price', 'image'] as const;
export const CSV_OPTIONAL_COLUMNS = ['description', 'brand', 'in_stock', 'tags'] as const;

export interface CatalogHeader {
  name: string;
  currency: string;
  licence: string;
}

function fail(what: string): never {
  throw new Error(`invalid catalog CSV: ${what}`);
}

/** Splits CSV text into records of fields. */
export function parseCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    // A blank line (one empty field) is not a product.
    if (record.length > 1 || record[0] !== '') records.push(record);
    record = [];
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') {
      if (field !== '') fail(`row ${records.length + 1}: a quote may only open a field, found one after ${JSON.stringify(field)}`);
      quoted = true;
    } else if (c === ',') endField();
    else if (c === '\n') endRecord();
    else if (c === '\r' && text[i + 1] === '\n') continue;
    else field += c;
  }
  if (quoted) fail(`row ${records.length + 1}: a quoted field is never closed`);
  if (field !== '' || record.length > 0) endRecord();
  return records;
}

const TRUE = new Set(['true', 'yes', '1']);
const FALSE = new Set(['false', 'no', '0']);

/** A catalogue from CSV text; throws an Error naming the row and column of the first problem. */
export function parseCatalogCsv(text: string, header: CatalogHeader): Catalog {
  const [columns, ...rows] = parseCsvRecords(text);
  if (!columns) fail('it is empty: the first row must name the columns');
  const names = columns.map((c) => c.trim().toLowerCase());
  const position = new Map<string, number>();
  names.forEach((name, index) => {
    if (position.has(name)) fail(`row 1: column "${name}" appears twice`);
    position.set(name, index);
  });
  const missing = CSV_REQUIRED_COLUMNS.filter((c) => !position.has(c));
  if (missing.length > 0) fail(`row 1: missing column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c}"`).join(', ')} (required: ${CSV_REQUIRED_COLUMNS.join(', ')})`);

  const products = rows.map((fields, r) => {
    const row = r + 2;
    if (fields.length !== columns.length) fail(`row ${row}: ${fields.length} fields, but the header names ${columns.length} columns`);
    const cell = (column: string) => {
      const at = position.get(column);
      return at === undefined ? undefined : fields[at]!.trim();
    };
    const where = (column: string) => `row ${row}, column "${column}"`;
    const price = Number(cell('price'));
    if (cell('price') === '' || !Number.isFinite(price)) fail(`${where('price')}: must be a number, got ${JSON.stringify(cell('price'))}`);
    const stock = (cell('in_stock') ?? 'true').toLowerCase();
    if (!TRUE.has(stock) && !FALSE.has(stock)) fail(`${where('in_stock')}: must be true/false, yes/no or 1/0, got ${JSON.stringify(cell('in_stock'))}`);
    const tags = cell('tags');
    return {
      id: cell('id'),
      title: cell('title'),
      description: cell('description') ?? '',
      category: cell('category')!.split('>').map((part) => part.trim()),
      brand: cell('brand') ?? '',
      price,
      in_stock: TRUE.has(stock),
      image: cell('image'),
      tags: tags ? tags.split('|').map((tag) => tag.trim()) : [],
    };
  });
  try {
    return parseCatalog({ ...header, products });
  } catch (error) {
    // parseCatalog names products[i] and the field, which is the column: say which row that is.
    const message = (error as Error).message;
    if (!/products\[\d+\]/.test(message)) throw error;
    throw new Error(message.replace(/products\[(\d+)\]/g, (_, index: string) => `row ${Number(index) + 2}`).replace(/field "([a-z_]+)"/, 'column "$1"'));
  }
}
