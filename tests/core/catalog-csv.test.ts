import { describe, expect, it } from 'vitest';
import { parseCatalogCsv, parseCsvRecords } from '../../src/core/catalog-csv.ts';

const header = { name: 'Tea shop', currency: 'EUR', licence: 'proprietary' };

describe('parseCsvRecords', () => {
  it('reads quoted fields with commas, quotes and newlines, CRLF and LF, and skips a BOM and blank lines', () => {
    const text = '\ufeffa,b,c\r\n1,"two, ""quoted""","multi\nline"\n\n3,,x';
    expect(parseCsvRecords(text)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'two, "quoted"', 'multi\nline'],
      ['3', '', 'x'],
    ]);
  });

  it('refuses an unclosed quote and a quote in the middle of a field, naming the row', () => {
    expect(() => parseCsvRecords('a,b\n1,"open')).toThrow('invalid catalog CSV: row 2: a quoted field is never closed');
    expect(() => parseCsvRecords('a,b\n1,x"y"')).toThrow('row 2: a quote may only open a field');
  });
});

describe('parseCatalogCsv', () => {
  it('builds the catalogue parseCatalog would from the same products, defaults included', () => {
    const csv = [
      'id,title,category,price,image,description,brand,in_stock,tags,supplier_code',
      'tea-1,Sencha,Tea > Green,12.5,/img/tea-1.png,"Grassy, bright.",Kyoto Leaf,yes,green|japan,X-1',
      'tea-2,Assam,Tea>Black,8,/img/tea-2.png,,,0,,X-2',
    ].join('\n');
    expect(parseCatalogCsv(csv, header)).toEqual({
      ...header,
      products: [
        { id: 'tea-1', title: 'Sencha', description: 'Grassy, bright.', category: ['Tea', 'Green'], brand: 'Kyoto Leaf', price: 12.5, in_stock: true, image: '/img/tea-1.png', tags: ['green', 'japan'] },
        { id: 'tea-2', title: 'Assam', description: '', category: ['Tea', 'Black'], brand: '', price: 8, in_stock: false, image: '/img/tea-2.png', tags: [] },
      ],
    });
    // Only the required columns: every optional one takes its default.
    const minimal = parseCatalogCsv('ID,Title,Category,Price,Image\nx,Mug,Kitchen,3,/m.png\n', header);
    expect(minimal.products[0]).toEqual({ id: 'x', title: 'Mug', description: '', category: ['Kitchen'], brand: '', price: 3, in_stock: true, image: '/m.png', tags: [] });
  });

  it('names the row and column of every kind of bad input', () => {
    const head = 'id,title,category,price,image';
    expect(() => parseCatalogCsv('', header)).toThrow('invalid catalog CSV: it is empty');
    expect(() => parseCatalogCsv('id,title,price\n', header)).toThrow('row 1: missing columns "category", "image" (required: id, title, category, price, image)');
    expect(() => parseCatalogCsv(`${head},id\n`, header)).toThrow('row 1: column "id" appears twice');
    expect(() => parseCatalogCsv(`${head}\na,A,C,1\n`, header)).toThrow('row 2: 4 fields, but the header names 5 columns');
    expect(() => parseCatalogCsv(`${head}\na,A,C,1,/a\nb,B,C,cheap,/b\n`, header)).toThrow('row 3, column "price": must be a number, got "cheap"');
    expect(() => parseCatalogCsv(`${head},in_stock\na,A,C,1,/a,maybe\n`, header)).toThrow('row 2, column "in_stock": must be true/false, yes/no or 1/0, got "maybe"');
    // The rules parseCatalog enforces come back with the row and column too.
    expect(() => parseCatalogCsv(`${head}\na,A,C,1,/a\nb, ,C,2,/b\n`, header)).toThrow('invalid catalog: row 3 (id "b"): column "title" must not be empty');
    expect(() => parseCatalogCsv(`${head}\na,A,C,1,/a\na,B,C,2,/b\n`, header)).toThrow('row 3 (id "a"): column "id" duplicates row 2');
    expect(() => parseCatalogCsv(`${head}\na b,A,C,1,/a\n`, header)).toThrow('row 2 (id "a b"): column "id"');
    expect(() => parseCatalogCsv(`${head}\na,A,C,-1,/a\n`, header)).toThrow('row 2 (id "a"): column "price" must not be negative');
    expect(() => parseCatalogCsv(`${head}\n`, { ...header, currency: 'euro' })).toThrow('field "currency" must be a three-letter ISO 4217 code');
  });
});
