/** The server-rendered demo storefront and the merchant feed endpoint, through app.inject. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalog, type Catalog, type Product } from '../../src/core/catalog.ts';
import { buildApp, findDeveloperCatalog } from '../../src/server/app.ts';
import { escapeHtml } from '../../src/server/storefront.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const demoFeed = join(repoRoot, 'public/catalog/demo-catalog.json');
const demo = parseCatalog(JSON.parse(readFileSync(demoFeed, 'utf8')));

const describeFile = (name: string, content: string, dtype: string) =>
  ({ name, bytes: Buffer.byteLength(content), sha256: createHash('sha256').update(content).digest('hex'), dtype });

/**
 * A models folder holding one small version: the storefront needs a server, not a model.
 * Each of `catalogs` gets a (fake) item matrix and ids listed in the manifest.
 */
function tinyModels(catalogs: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'privet-models-'));
  const version = 'tiny-v1';
  const content = 'onnx bytes';
  mkdirSync(join(dir, version));
  writeFileSync(join(dir, version, 'encoder.int8.onnx'), content);
  const catalogFiles = catalogs.flatMap((name) => [`items.${name}.int8`, `items.${name}.ids.json`]);
  for (const file of catalogFiles) writeFileSync(join(dir, version, file), file);
  const manifest = {
    version, created: '2026-11-26T00:00:00+00:00', base_model: 'test', dims: 4, max_tokens: 8, opset: 17,
    inputs: ['input_ids', 'attention_mask'], output: 'embedding', intents: [], metrics: {},
    backends: { wasm: 'encoder.int8.onnx', webgpu: 'encoder.int8.onnx' },
    dp: { epsilon: 0, delta: 0, rounds: 0 },
    files: [describeFile('encoder.int8.onnx', content, 'int8'), ...catalogFiles.map((file) => describeFile(file, file, 'int8-rows'))],
    catalogs: catalogs.map((name) => ({ name, items: `items.${name}.int8`, ids: `items.${name}.ids.json`, rows: 1, source_sha256: 'a'.repeat(64) })),
  };
  writeFileSync(join(dir, version, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ current: version, manifest: `${version}/manifest.json` }));
  return dir;
}

/** A dist folder whose index.html is recognisably not the storefront. */
function fakeDist(): string {
  const dist = mkdtempSync(join(tmpdir(), 'privet-dist-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>old single-page demo</title>');
  return dist;
}

const SCRIPT_TAG = '<script type="module" src="/privet.js" data-endpoint="/" data-merchant="demo" data-default-mode="local"></script>';

const departmentsOf = (catalog: Catalog): string[] => [...new Set(catalog.products.map((p) => p.category[0]!))];
const productsIn = (catalog: Catalog, department: string): Product[] => catalog.products.filter((p) => p.category[0] === department);
const count = (text: string, needle: string): number => text.split(needle).length - 1;
const productLinks = (body: string): string[] => [...body.matchAll(/<h2 class="card-title"><a href="\/product\/([^"]+)">/g)].map((m) => m[1]!);
const formPost = (url: string, payload: string, cookie?: string) => ({
  method: 'POST' as const,
  url,
  payload,
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie === undefined ? {} : { cookie }) },
});

function cartCookie(res: LightMyRequestResponse): { header: string; value: string } {
  const header = res.headers['set-cookie'];
  expect(typeof header, 'one Set-Cookie header').toBe('string');
  const match = /^demo_cart=([^;]*)/.exec(header as string);
  expect(match, header as string).not.toBeNull();
  return { header: header as string, value: match![1]! };
}

/** What a page must have on every route: the embed, the landmarks, one h1, no other script. */
function expectLayout(res: LightMyRequestResponse, status = 200): string {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-cache');
  const body = res.body;
  expect(body.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
  expect(body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  expect(body).toMatch(/<title>[^<]+<\/title>/);
  expect(body).toContain('<link rel="stylesheet" href="/store/store.css">');
  expect(body).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
  expect(body).toContain(SCRIPT_TAG);
  expect(count(body, '<script'), 'the widget embed is the only script').toBe(1);
  expect(body).not.toMatch(/\son[a-z]+=/i);
  for (const landmark of ['<header', '<main', '<footer', '<nav aria-label="Departments">']) expect(count(body, landmark), landmark).toBe(1);
  expect(count(body, '<h1'), 'one h1').toBe(1);
  expect(body).toContain('<privet-search placeholder="Search the store"></privet-search>');
  expect(body).toMatch(/<a class="cart-link" id="cart-link" href="\/cart">Cart \(\d+\)<\/a>/);
  expect(body).toContain('<button type="button" data-privet-open-privacy>Privacy choices</button>');
  expect(body).toContain('computed in your browser');
  return body;
}

describe('demo storefront', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    ({ app } = await buildApp({
      modelsDir: tinyModels(),
      distDir: fakeDist(),
      storefront: { catalog: demo, merchant: 'demo', widgetAttributes: { 'default-mode': 'local' } },
      feeds: { demo: demoFeed },
    }));
  });
  afterAll(() => app.close());

  it('home: every department linked and tiled, both shelves, the exact embed', async () => {
    const body = expectLayout(await app.inject('/'));
    expect(body).not.toContain('old single-page demo');
    expect(body).toMatch(/<h1><span class="store-title">Privet Demo<\/span> <span class="tagline">[^<]+<\/span><\/h1>/);
    expect(body).toContain('<privet-recs placement="for-you" limit="8" heading="Recommended for you"></privet-recs>');
    expect(body).toContain('<privet-recs placement="trending" limit="8" heading="Popular in the store"></privet-recs>');
    const departments = departmentsOf(demo);
    expect(departments).toHaveLength(19);
    const navLinks = [...body.matchAll(/<li><a href="\/category\/([^"]+)"(?: aria-current="page")?>([^<]+)<\/a><\/li>/g)];
    expect(navLinks.map((m) => m[2])).toEqual(departments.map(escapeHtml));
    expect(new Set(navLinks.map((m) => m[1])).size).toBe(departments.length);
    expect(navLinks.map((m) => m[1])).toContain('coffee-tea');
    expect(navLinks.map((m) => m[1])).toContain('kids-toys');
    for (const department of departments) {
      const products = productsIn(demo, department);
      const tile = `<span class="tile-name">${escapeHtml(department)}</span>\n<span class="tile-count">${products.length} products</span>`;
      expect(body, department).toContain(tile);
      expect(body).toContain(`<img src="/${products[0]!.image}" alt=""`);
    }
  });

  it('every department link leads to that department, and only its products', async () => {
    const home = (await app.inject('/')).body;
    const links = [...home.matchAll(/<li><a href="(\/category\/[^"]+)">([^<]+)<\/a><\/li>/g)];
    for (const [, url, name] of links) {
      const body = expectLayout(await app.inject(url!));
      expect(body).toContain(`<h1>${name}</h1>`);
      expect(body).toContain(`<a href="${url}" aria-current="page">`);
      const department = departmentsOf(demo).find((d) => escapeHtml(d) === name)!;
      expect(productLinks(body).sort()).toEqual(productsIn(demo, department).map((p) => p.id).sort());
      expect(body).toContain('<privet-recs placement="for-you" limit="8" heading="Picked for you"></privet-recs>');
    }
    expect(links).toHaveLength(19);
  });

  it('a category card has the image with the title as alt text, the price in the currency, and stock', async () => {
    const body = expectLayout(await app.inject('/category/kitchen'));
    const kitchen = productsIn(demo, 'Kitchen');
    const skillet = demo.products.find((p) => p.id === 'p-0001')!;
    expect(body).toContain(`<img src="/catalog/images/p-0001.svg" alt="${escapeHtml(skillet.title)}"`);
    expect(body).toContain(`<a href="/product/p-0001">${escapeHtml(skillet.title)}</a>`);
    expect(body).toContain('<p class="price">$23.99</p>');
    expect(count(body, 'Out of stock')).toBe(kitchen.filter((p) => !p.in_stock).length);
    expect(count(body, 'Out of stock')).toBeGreaterThan(0);
  });

  it('product page: the viewed element, add to cart, breadcrumb and the similar shelf for this id', async () => {
    const product = demo.products.find((p) => p.in_stock && p.category[0] === 'Coffee & Tea')!;
    const body = expectLayout(await app.inject(`/product/${product.id}`));
    expect(body).toContain(`<article class="product" data-privet-view="${product.id}">`);
    expect(body).toContain(`<h1>${escapeHtml(product.title)}</h1>`);
    expect(body).toContain(`<form method="post" action="/cart"><input type="hidden" name="id" value="${product.id}"><button type="submit" data-privet-add-to-cart="${product.id}">Add to cart</button></form>`);
    expect(body).toContain(`<privet-recs placement="similar" item-id="${product.id}" limit="8" heading="Similar items"></privet-recs>`);
    expect(body).toContain('<privet-recs placement="recently-viewed" limit="8" heading="Recently viewed"></privet-recs>');
    expect(body).toContain(`<li><a href="/category/coffee-tea">Coffee &amp; Tea</a></li><li>${escapeHtml(product.category[1]!)}</li>`);
    expect(body).toContain(`<p class="brand">${escapeHtml(product.brand)}</p>`);
    expect(body).toContain('<p class="stock-in">In stock</p>');
    // Shelves come after the product, so the product's own h1 is the page's first heading.
    expect(body.indexOf('<h1>')).toBeLessThan(body.indexOf('<privet-recs'));
  });

  it('an out-of-stock product page has a disabled button saying so', async () => {
    const product = demo.products.find((p) => !p.in_stock)!;
    const body = expectLayout(await app.inject(`/product/${product.id}`));
    expect(body).toContain(`<button type="submit" data-privet-add-to-cart="${product.id}" disabled>Out of stock</button>`);
    expect(body).not.toContain('>Add to cart<');
  });

  it.each(['/product/p-9999', '/product/..%2Fcatalog', '/category/nope', '/category/Kitchen'])('%s is a 404 page in the store layout', async (url) => {
    const body = expectLayout(await app.inject(url), 404);
    expect(body).toContain('<h1>Not found</h1>');
  });

  it('adds to the cart (303 + cookie), shows it, removes it', async () => {
    const added = await app.inject(formPost('/cart', 'id=p-0001'));
    expect(added.statusCode).toBe(303);
    expect(added.headers.location).toBe('/cart');
    const first = cartCookie(added);
    expect(first.value).toBe('p-0001');
    expect(first.header).toMatch(/; Path=\/;/);
    expect(first.header).toContain('SameSite=Lax');
    expect(first.header).toContain('HttpOnly');

    const second = cartCookie(await app.inject(formPost('/cart', 'id=p-0002', `demo_cart=${first.value}`)));
    expect(decodeURIComponent(second.value)).toBe('p-0001 p-0002');

    const page = expectLayout(await app.inject({ url: '/cart', headers: { cookie: `other=1; demo_cart=${second.value}` } }));
    expect(page).toContain('<body data-privet-cart="p-0001 p-0002">');
    expect(page).toContain('>Cart (2)</a>');
    for (const id of ['p-0001', 'p-0002']) {
      const product = demo.products.find((p) => p.id === id)!;
      expect(page).toContain(`<a href="/product/${id}">${escapeHtml(product.title)}</a>`);
      expect(page).toContain(`<form method="post" action="/cart/remove"><input type="hidden" name="id" value="${id}">`);
    }
    expect(page).toContain('<privet-recs placement="goes-well-with" item-id="p-0001 p-0002" limit="8" heading="Goes well with your cart"></privet-recs>');
    expect(page).toContain('Total: <strong>$59.98</strong>'); // 23.99 + 35.99
    expect(page).not.toContain('Your cart is empty');

    // Adding what is already there keeps one line.
    const again = cartCookie(await app.inject(formPost('/cart', 'id=p-0001', `demo_cart=${second.value}`)));
    expect(decodeURIComponent(again.value)).toBe('p-0001 p-0002');

    const removed = await app.inject(formPost('/cart/remove', 'id=p-0001', `demo_cart=${second.value}`));
    expect(removed.statusCode).toBe(303);
    expect(removed.headers.location).toBe('/cart');
    const left = cartCookie(removed);
    expect(decodeURIComponent(left.value)).toBe('p-0002');
    const after = expectLayout(await app.inject({ url: '/cart', headers: { cookie: `demo_cart=${left.value}` } }));
    expect(after).toContain('item-id="p-0002"');
    expect(after).not.toContain('href="/product/p-0001"');

    const emptied = cartCookie(await app.inject(formPost('/cart/remove', 'id=p-0002', `demo_cart=${left.value}`)));
    expect(emptied.value).toBe('');
    expect(emptied.header).toContain('Max-Age=0');
  });

  it('an empty cart says so and shows for-you instead of goes-well-with', async () => {
    const body = expectLayout(await app.inject('/cart'));
    expect(body).toContain('Your cart is empty');
    expect(body).toContain('<privet-recs placement="for-you" limit="8" heading="Recommended for you"></privet-recs>');
    expect(body).not.toContain('goes-well-with');
    expect(body).toContain('<body data-privet-cart="">');
    expect(body).toContain('>Cart (0)</a>');
  });

  it('refuses an unknown or missing id with a 400 page and leaves the cart alone', async () => {
    for (const payload of ['id=p-9999', 'id=%3Cb%3Ep-1', 'other=1', '']) {
      const res = await app.inject(formPost('/cart', payload, 'demo_cart=p-0001'));
      const body = expectLayout(res, 400);
      expect(res.headers['set-cookie'], payload).toBeUndefined();
      expect(body).toContain('>Cart (1)</a>');
    }
    const unknown = (await app.inject(formPost('/cart', 'id=p-9999'))).body;
    expect(unknown).toContain('There is no product with id &quot;p-9999&quot; in this store.');
    const markup = (await app.inject(formPost('/cart', 'id=%3Cb%3Ep-1'))).body;
    expect(markup).toContain('&lt;b&gt;p-1');
    expect(markup).not.toContain('<b>p-1');
    expect((await app.inject(formPost('/cart/remove', 'x=1', 'demo_cart=p-0001'))).statusCode).toBe(400);
  });

  it('rejects a form body over 1 KB', async () => {
    const res = await app.inject(formPost('/cart', `id=p-0001&pad=${'x'.repeat(1100)}`));
    expect(res.statusCode).toBe(413);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('ignores unknown ids, repeats and junk in a tampered cookie', async () => {
    const cookie = `demo_cart=${encodeURIComponent('p-0001 nope p-0001,<script>,p-0002')}`;
    const body = expectLayout(await app.inject({ url: '/cart', headers: { cookie } }));
    expect(body).toContain('<body data-privet-cart="p-0001 p-0002">');
    expect(body).toContain('>Cart (2)</a>');
    expect(body).toContain('item-id="p-0001 p-0002"');
    expect(body).not.toContain('nope');
    // Raw commas and a broken %-escape: a browser never sends them, a person might.
    expect(expectLayout(await app.inject({ url: '/cart', headers: { cookie: 'demo_cart=p-0003,p-0004' } }))).toContain('data-privet-cart="p-0003 p-0004"');
    expect(expectLayout(await app.inject({ url: '/', headers: { cookie: 'demo_cart=p-0001%E0%A4%A' } }))).toContain('>Cart (0)</a>');
    // Adding to a tampered cart writes back only the clean lines.
    const added = cartCookie(await app.inject(formPost('/cart', 'id=p-0005', cookie)));
    expect(decodeURIComponent(added.value)).toBe('p-0001 p-0002 p-0005');
  });

  it('keeps at most 50 lines', async () => {
    const ids = demo.products.slice(0, 60).map((p) => p.id);
    const body = expectLayout(await app.inject({ url: '/', headers: { cookie: `demo_cart=${ids.join(',')}` } }));
    expect(body).toContain('>Cart (50)</a>');
    const full = ids.slice(0, 50).join(',');
    const res = await app.inject(formPost('/cart', `id=${ids[55]}`, `demo_cart=${full}`));
    expect(res.statusCode).toBe(400);
    expect(res.headers['set-cookie']).toBeUndefined();
    // One already in the cart is not a new line.
    expect((await app.inject(formPost('/cart', `id=${ids[3]}`, `demo_cart=${full}`))).statusCode).toBe(303);
  });

  it('serves the merchant feed with an ETag, 304 on revalidation, 404 for strangers', async () => {
    const bytes = readFileSync(demoFeed);
    const res = await app.inject('/v1/catalog/demo');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.rawPayload.equals(bytes)).toBe(true);
    const etag = res.headers.etag as string;
    expect(etag).toBe(`"${createHash('sha256').update(bytes).digest('hex')}"`);

    const again = await app.inject({ url: '/v1/catalog/demo', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect((await app.inject({ url: '/v1/catalog/demo', headers: { 'if-none-match': `"old", W/${etag}` } })).statusCode).toBe(304);
    expect((await app.inject({ url: '/v1/catalog/demo', headers: { 'if-none-match': '"old"' } })).statusCode).toBe(200);

    for (const merchant of ['acme', 'constructor']) {
      const missing = await app.inject(`/v1/catalog/${merchant}`);
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ error: `unknown merchant "${merchant}"` });
    }
  });
});

describe('storefront escaping', () => {
  const nasty = 'Evil <script>alert("x")</script> & \'co\'';
  const catalog = parseCatalog({
    name: 'test-store',
    currency: 'EUR',
    licence: 'test',
    products: [
      { id: 'x-1', title: nasty, description: `About ${nasty}`, category: ['Tools & <b>Things</b>', `Sub "${nasty}"`], brand: `Brand "${nasty}"`, price: 10, in_stock: true, image: 'img/x"1.svg', tags: [] },
      { id: 'x-2', title: 'Plain', description: '', category: ['Tools & <b>Things</b>'], brand: '', price: 2.5, in_stock: false, image: 'img/x-2.svg', tags: [] },
    ],
  });
  let app: FastifyInstance;

  beforeAll(async () => {
    ({ app } = await buildApp({
      modelsDir: tinyModels(),
      distDir: fakeDist(),
      storefront: { catalog, merchant: 'demo', widgetAttributes: { 'default-mode': 'local' } },
    }));
  });
  afterAll(() => app.close());

  // [url, whether the page shows product x-1's title]
  it.each([['/', false], ['/category/tools-b-things-b', true], ['/product/x-1', true], ['/product/x-2', false], ['/cart', true]] as const)('%s escapes every catalogue string', async (url, showsTitle) => {
    const body = expectLayout(await app.inject({ url, headers: { cookie: 'demo_cart=x-1 x-2' } }));
    expect(body).not.toContain('<script>alert');
    expect(body).not.toContain('<b>Things');
    expect(body).not.toContain('"x")');
    expect(body).toContain('Tools &amp; &lt;b&gt;Things&lt;/b&gt;');
    expect(body.includes('Evil &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;')).toBe(showsTitle);
  });

  it('escapes attributes too: alt text, image URL, brand, and prices in the catalogue currency', async () => {
    const body = (await app.inject('/product/x-1')).body;
    expect(body).toContain('alt="Evil &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;"');
    expect(body).toContain('src="/img/x&quot;1.svg"');
    expect(body).toContain('<p class="brand">Brand &quot;Evil');
    expect(body).toContain('<p class="price">€10.00</p>');
    expect(body).toContain('<title>Evil &lt;script&gt;');
  });

  it('escapes widget attribute values and refuses attribute names it cannot write safely', async () => {
    const quoted = await buildApp({
      modelsDir: tinyModels(), distDir: fakeDist(),
      storefront: { catalog, merchant: 'a"b', widgetAttributes: { backend: '"><img src=x>' } },
    });
    const body = (await quoted.app.inject('/')).body;
    expect(body).toContain('<script type="module" src="/privet.js" data-endpoint="/" data-merchant="a&quot;b" data-backend="&quot;&gt;&lt;img src=x&gt;"></script>');
    await quoted.app.close();
    for (const name of ['x onload', 'Backend', 'merchant', '"']) {
      await expect(buildApp({ modelsDir: tinyModels(), distDir: fakeDist(), storefront: { catalog, merchant: 'demo', widgetAttributes: { [name]: 'v' } } })).rejects.toThrow(/widget attribute/);
    }
  });
});

describe('merchant feeds at start-up', () => {
  it('refuse to start on a feed the widget could not parse, naming the merchant', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'privet-feed-')), 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', currency: 'usd', licence: 'x', products: [] }));
    await expect(buildApp({ modelsDir: tinyModels(), distDir: fakeDist(), feeds: { acme: bad } })).rejects.toThrow(/feed of merchant "acme".*currency/);
  });
});

describe('without a storefront', () => {
  it('serves the dist index at / and no cart routes', async () => {
    const { app } = await buildApp({ modelsDir: tinyModels(), distDir: fakeDist() });
    expect((await app.inject('/')).body).toContain('old single-page demo');
    expect((await app.inject('/cart')).statusCode).toBe(404);
    expect((await app.inject('/v1/catalog/demo')).statusCode).toBe(404);
    await app.close();
  });
});

/** A small synthetic stand-in for the Scientific research catalogue (never the real data in tests). */
function devCatalogFeed(size = 30): { catalog: Catalog; feedPath: string } {
  const json = {
    name: 'scientific',
    currency: 'USD',
    licence: 'Synthetic test catalogue: research evaluation only, not redistributable. Every price is 0 and means unknown.',
    products: Array.from({ length: size }, (_, i) => ({
      id: `B${String(i).padStart(9, '0')}`,
      title: i === 3 ? 'Beaker <b>"borosilicate"</b> & lid' : `Lab item ${i}`,
      description: '',
      category: ['Industrial & Scientific', 'Lab & Scientific Products', 'Beakers'],
      brand: i % 2 === 0 ? 'Acme Labs' : '',
      price: 0,
      in_stock: true,
      image: 'store/placeholder.svg',
      tags: [],
    })),
  };
  const feedPath = join(mkdtempSync(join(tmpdir(), 'privet-dev-feed-')), 'scientific.json');
  writeFileSync(feedPath, JSON.stringify(json));
  return { catalog: parseCatalog(json), feedPath };
}

const DEV_SCRIPT_TAG = '<script type="module" src="/privet.js" data-endpoint="/" data-merchant="scientific" data-default-mode="local" data-product-url="/developer?item={id}"></script>';

/** The store's layout with the developer catalogue's widget tag and search box instead of the demo's. */
function expectDeveloperLayout(res: LightMyRequestResponse, status: number, size: number): string {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  const body = res.body;
  expect(body.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
  expect(body).toContain(DEV_SCRIPT_TAG);
  expect(body).not.toContain('data-merchant="demo"');
  expect(count(body, '<script'), 'the widget embed is the only script').toBe(1);
  expect(body).not.toMatch(/\son[a-z]+=/i);
  for (const landmark of ['<header', '<main', '<footer', '<nav aria-label="Departments">']) expect(count(body, landmark), landmark).toBe(1);
  expect(count(body, '<h1'), 'one h1').toBe(1);
  expect(count(body, '<privet-search'), 'one search box').toBe(1);
  expect(body).toContain(`<privet-search placeholder="Search ${size.toLocaleString('en')} Scientific products"></privet-search>`);
  expect(body).toContain('<a href="/developer">Developer page</a>');
  return body;
}

describe('developer page with a developer catalogue', () => {
  const size = 30;
  const { catalog, feedPath } = devCatalogFeed(size);
  let app: FastifyInstance;

  beforeAll(async () => {
    const modelsDir = tinyModels(['demo', 'scientific']);
    // As src/server/main.ts finds it: the feed exists and the model lists the catalogue.
    const found = findDeveloperCatalog(modelsDir, feedPath, 'scientific');
    expect('developer' in found ? found.developer.catalog : found.reason).toEqual(catalog);
    ({ app } = await buildApp({
      modelsDir,
      distDir: fakeDist(),
      storefront: { catalog: demo, merchant: 'demo', widgetAttributes: { 'default-mode': 'local' }, developer: { merchant: 'scientific', feedPath, catalog } },
      feeds: { demo: demoFeed },
    }));
  });
  afterAll(() => app.close());

  it('renders the store layout with the scientific merchant, the research note, search, shelves and 24 products', async () => {
    const body = expectDeveloperLayout(await app.inject('/developer'), 200, size);
    expect(body).toContain('<h1>Scientific catalogue <span class="tagline">Developer page</span></h1>');
    expect(body).toContain('research data for local evaluation only');
    expect(body).toContain('prices are unknown');
    expect(body).toContain(`Licence: ${escapeHtml(catalog.licence)}`);
    expect(body).toContain('<privet-recs placement="for-you" limit="8" heading="Recommended for you"></privet-recs>');
    expect(body).toContain('<privet-recs placement="trending" limit="8" heading="Popular in the catalogue"></privet-recs>');
    const links = [...body.matchAll(/<a href="\/developer\?item=([^"]+)">/g)].map((m) => m[1]!);
    expect(links).toHaveLength(24);
    expect(new Set(links).size).toBe(24);
    expect(links[0]).toBe(catalog.products[0]!.id);
    for (const id of links) expect(catalog.products.some((p) => p.id === id), id).toBe(true);
    expect(count(body, 'Price unknown')).toBe(24);
    expect(body).not.toContain('$0.00</p>');
    // The demo store stays one click away: its departments and cart are in the header.
    expect(body).toContain('<li><a href="/category/kitchen">Kitchen</a></li>');
  });

  it('shows one product with its view marker and the similar shelf, escaped', async () => {
    const product = catalog.products[3]!;
    const body = expectDeveloperLayout(await app.inject(`/developer?item=${product.id}`), 200, size);
    expect(body).toContain(`<article class="product" data-privet-view="${product.id}">`);
    expect(body).toContain('<h1>Beaker &lt;b&gt;&quot;borosilicate&quot;&lt;/b&gt; &amp; lid</h1>');
    expect(body).not.toContain('<b>"borosilicate"');
    expect(body).toContain('<li>Industrial &amp; Scientific</li><li>Lab &amp; Scientific Products</li><li>Beakers</li>');
    expect(body).toContain('<p class="price">Price unknown</p>');
    expect(body).toContain(`<privet-recs placement="similar" item-id="${product.id}" limit="8" heading="Similar items"></privet-recs>`);
    expect(body).toContain('<title>Beaker &lt;b&gt;');
    // No add-to-cart: the cart belongs to the demo store, which has no such product.
    expect(body).not.toContain('data-privet-add-to-cart');
  });

  it.each(['/developer?item=nope', '/developer?item=', `/developer?item=${catalog.products[0]!.id}&item=${catalog.products[1]!.id}`, '/developer?item=p-0001'])('%s is a 404 page in the developer layout', async (url) => {
    const body = expectDeveloperLayout(await app.inject(url), 404, size);
    expect(body).toContain('<h1>Not found</h1>');
    expect(body).toContain('There is no such product in the Scientific catalogue.');
  });

  it('serves the developer feed as merchant "scientific", next to the demo feed', async () => {
    const res = await app.inject('/v1/catalog/scientific');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.rawPayload.equals(readFileSync(feedPath))).toBe(true);
    expect((await app.inject('/v1/catalog/demo')).rawPayload.equals(readFileSync(demoFeed))).toBe(true);
  });

  it('links the developer page from the store footer', async () => {
    const body = expectLayout(await app.inject('/'));
    expect(body).toContain('<a href="/developer">Developer page</a>\n</footer>');
    expect(expectLayout(await app.inject('/cart'))).toContain('<a href="/developer">Developer page</a>');
  });
});

describe('developer page without a developer catalogue', () => {
  it('is a 404 saying how to enable it, with no footer link and no feed', async () => {
    const { app } = await buildApp({
      modelsDir: tinyModels(),
      distDir: fakeDist(),
      storefront: { catalog: demo, merchant: 'demo', widgetAttributes: { 'default-mode': 'local' } },
      feeds: { demo: demoFeed },
    });
    const body = expectLayout(await app.inject('/developer'), 404);
    expect(body).toContain('<h1>The developer page is off</h1>');
    expect(body).toContain('<code>../shared/datasets/amazon_scientific_unisrec/</code>');
    expect(body).toContain('<code>PRIVET_DATASETS</code>');
    expect(body).toContain('<code>npm run setup</code>');
    expect(body).not.toContain('href="/developer"');
    expect(expectLayout(await app.inject('/'))).not.toContain('href="/developer"');
    expect((await app.inject('/v1/catalog/scientific')).statusCode).toBe(404);
    await app.close();
  });

  it('findDeveloperCatalog says why not: no feed, no catalogue in the model, a broken feed, no models', () => {
    const { feedPath } = devCatalogFeed(2);
    const missing = join(tmpdir(), 'privet-no-such-dir', 'scientific.json');
    expect(findDeveloperCatalog(tinyModels(['scientific']), missing, 'scientific')).toEqual({ reason: `${missing} does not exist` });
    expect(findDeveloperCatalog(tinyModels(['demo']), feedPath, 'scientific')).toEqual({ reason: 'model tiny-v1 has no catalogue "scientific"' });
    const broken = join(mkdtempSync(join(tmpdir(), 'privet-dev-feed-')), 'scientific.json');
    writeFileSync(broken, JSON.stringify({ name: 'scientific', currency: 'USD', licence: 'x', products: [{ id: 'bad id' }] }));
    expect(findDeveloperCatalog(tinyModels(['scientific']), broken, 'scientific')).toMatchObject({ reason: expect.stringContaining('invalid catalog') });
    expect(findDeveloperCatalog(mkdtempSync(join(tmpdir(), 'privet-empty-')), feedPath, 'scientific')).toMatchObject({ reason: expect.stringContaining("manifest could not be read") });
  });

  it('buildApp refuses a developer catalogue that shares the store merchant or has a second feed', async () => {
    const { catalog, feedPath } = devCatalogFeed(2);
    const storefront = { catalog: demo, merchant: 'demo' };
    await expect(buildApp({ modelsDir: tinyModels(), distDir: fakeDist(), storefront: { ...storefront, developer: { merchant: 'demo', feedPath, catalog } } })).rejects.toThrow(/merchant name of its own/);
    await expect(
      buildApp({ modelsDir: tinyModels(), distDir: fakeDist(), storefront: { ...storefront, developer: { merchant: 'scientific', feedPath, catalog } }, feeds: { scientific: demoFeed } }),
    ).rejects.toThrow(/has two feeds/);
  });
});
