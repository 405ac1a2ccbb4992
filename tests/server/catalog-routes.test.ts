import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseItemMatrix } from '../../src/core/item-matrix.ts';
import type { ModelManifest } from '../../src/core/manifest.ts';
import { storedFeeds } from '../../src/server/catalog-ingest.ts';
import { ACME_KEY, startOpsApp, TEA_KEY, type OpsApp } from '../support/ops-app.ts';

const CSV = [
  'id,title,category,price,image,description,brand,in_stock,tags',
  'tea-1,Sencha Green Tea 100 g,Tea > Green,12.50,/img/tea-1.png,"Steamed Japanese green tea, grassy and bright.",Kyoto Leaf,yes,green|japan',
  'tea-2,Assam Breakfast Tea 250 g,Tea > Black,8.90,/img/tea-2.png,"Malty, strong black tea for milk.",Brahmaputra,yes,black|india',
  'tea-3,Cast Iron Teapot 0.8 l,Teaware > Teapots,39.00,/img/tea-3.png,Enamelled cast iron pot with a steel infuser.,Tetsu,no,teapot',
  'tea-4,Bamboo Matcha Whisk,Teaware > Matcha,14.00,/img/tea-4.png,"Hand-carved chasen, 80 prongs.",Kyoto Leaf,1,matcha|whisk',
  'tea-5,Chamomile Herbal Infusion 50 g,Tea > Herbal,6.40,/img/tea-5.png,Whole chamomile flowers; caffeine free.,Meadow,true,herbal',
].join('\r\n');

describe('PUT /v1/catalogs/:name', () => {
  let server: OpsApp;
  beforeAll(async () => {
    server = await startOpsApp(64 * 1024);
  });
  afterAll(() => server.app.close());

  const put = (name: string, body: string, { key = ACME_KEY, type = 'text/csv', query = '?currency=EUR' } = {}) =>
    fetch(`${server.base}/v1/catalogs/${name}${query}`, { method: 'PUT', headers: { 'Content-Type': type, Authorization: `Bearer ${key}` }, body });
  const manifest = async () => (await (await fetch(`${server.base}/v1/manifest`)).json()) as ModelManifest;
  const errorOf = async (response: Response) => [response.status, ((await response.json()) as { error: string }).error] as const;

  it('embeds a CSV catalogue, lists it in the manifest and serves its feed and item matrix without a restart', async () => {
    const response = await put('acme', CSV);
    expect(response.status).toBe(201);
    const outcome = (await response.json()) as { name: string; products: number; items: string; embedded: boolean };
    expect(outcome).toMatchObject({ name: 'acme', products: 5, embedded: true });

    const current = await manifest();
    const entry = current.catalogs.find((c) => c.name === 'acme');
    expect(entry).toMatchObject({ rows: 5, items: outcome.items });
    const items = await fetch(`${server.base}/models/${current.version}/${outcome.items}`);
    expect(items.status).toBe(200);
    const matrix = parseItemMatrix(await items.arrayBuffer());
    expect([matrix.rows, matrix.dims]).toEqual([5, current.dims]);
    const ids = (await (await fetch(`${server.base}/models/${current.version}/${entry!.ids}`)).json()) as string[];
    expect(ids).toEqual(['tea-1', 'tea-2', 'tea-3', 'tea-4', 'tea-5']);

    const feed = (await (await fetch(`${server.base}/v1/catalog/acme`)).json()) as { name: string; currency: string; licence: string; products: { id: string; in_stock: boolean; category: string[] }[] };
    expect([feed.name, feed.currency, feed.licence]).toEqual(['acme', 'EUR', 'proprietary']);
    expect(feed.products.map((p) => [p.id, p.in_stock, p.category.join('/')])).toEqual([
      ['tea-1', true, 'Tea/Green'], ['tea-2', true, 'Tea/Black'], ['tea-3', false, 'Teaware/Teapots'], ['tea-4', true, 'Teaware/Matcha'], ['tea-5', true, 'Tea/Herbal'],
    ]);
    // Kept for the next start.
    expect(Object.keys(storedFeeds(server.catalogsDir))).toEqual(['acme']);

    // The same catalogue again changes nothing.
    const again = await put('acme', CSV);
    expect([again.status, ((await again.json()) as { embedded: boolean }).embedded]).toEqual([200, false]);
  });

  it('takes a JSON catalogue as parseCatalog reads it', async () => {
    const catalog = {
      name: 'Acme Outlet', currency: 'USD', licence: 'proprietary',
      products: [
        { id: 'o-1', title: 'Travel Mug', description: 'Keeps coffee hot for six hours.', category: ['Kitchen', 'Mugs'], brand: 'Acme', price: 9.5, in_stock: true, image: '/img/o-1.png', tags: [] },
        { id: 'o-2', title: 'Kettle', description: '1.7 l, boils in three minutes.', category: ['Kitchen', 'Appliances'], brand: 'Acme', price: 29, in_stock: true, image: '/img/o-2.png', tags: ['electric'] },
      ],
    };
    const response = await put('acme-outlet', JSON.stringify(catalog), { type: 'application/json', query: '' });
    expect(response.status).toBe(201);
    expect((await manifest()).catalogs.find((c) => c.name === 'acme-outlet')?.rows).toBe(2);
    expect(((await (await fetch(`${server.base}/v1/catalog/acme-outlet`)).json()) as { name: string }).name).toBe('Acme Outlet');
  });

  it('refuses bad input with the row and column, writing nothing', async () => {
    const before = await manifest();
    const badRow = CSV.replace('8.90', 'cheap');
    expect(await errorOf(await put('acme', badRow))).toEqual([400, 'invalid catalog CSV: row 3, column "price": must be a number, got "cheap" (text/csv)']);
    expect(await errorOf(await put('acme', CSV.replace('tea-4,Bamboo Matcha Whisk,', 'tea-4, ,')))).toEqual([400, 'invalid catalog: row 5 (id "tea-4"): column "title" must not be empty (text/csv)']);
    expect(await errorOf(await put('acme', CSV, { query: '' }))).toEqual([400, 'a CSV catalogue needs its currency: add ?currency=USD (an ISO 4217 code) (text/csv)']);
    expect(await errorOf(await put('acme', '{"name":"x","currency":"USD","licence":"l","products":[{"id":"a"}]}', { type: 'application/json', query: '' }))).toEqual([
      400, 'invalid catalog: products[0] (id "a"): field "title" is missing (application/json)',
    ]);
    expect(await errorOf(await put('acme', '{"name":', { type: 'application/json', query: '' }))).toEqual([400, expect.stringMatching(/JSON/)]);
    expect((await put('acme', CSV, { query: '?currency=euro' })).status).toBe(400);
    expect((await put('../acme', CSV)).status).toBe(404);
    expect(await errorOf(await put('acme', CSV, { type: 'text/plain' }))).toEqual([415, 'Content-Type "text/plain" is not accepted by PUT /v1/catalogs/:name']);
    const big = await put('acme', `${CSV}\r\n${'x'.repeat(70 * 1024)}`);
    expect(await errorOf(big)).toEqual([413, 'the request body is larger than 65536 bytes, the most PUT /v1/catalogs/:name accepts']);
    expect(await manifest()).toEqual(before);
    expect(existsSync(join(server.catalogsDir, 'acme.json.tmp'))).toBe(false);
    expect(JSON.parse(readFileSync(join(server.catalogsDir, 'acme.json'), 'utf8')).products).toHaveLength(5);
  });

  it('takes catalogues only from the merchant that owns them', async () => {
    const before = await manifest();
    expect(await errorOf(await put('acme', CSV, { key: '' }))).toEqual([401, 'a merchant API key is required (Authorization: Bearer <key>)']);
    expect(await errorOf(await put('acme', CSV, { key: 'guess' }))).toEqual([401, 'a merchant API key is required (Authorization: Bearer <key>)']);
    expect(await errorOf(await put('acme', CSV, { key: TEA_KEY }))).toEqual([403, 'merchant "tea" may not upload catalogue "acme" (its catalogues: tea)']);
    expect(await manifest()).toEqual(before);
  });
});
