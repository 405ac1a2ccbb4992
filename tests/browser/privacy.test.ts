/**
 * What the widget keeps and sends, checked in Chromium through every storage API and every
 * request: events survive reloads and teach the on-device profile, the export matches what
 * is stored, the audit report and the privacy panel tell the same story, erase leaves
 * nothing, mode `off` leaves no trace, and no request carries a raw event, an item-id list
 * or query text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page, Request } from 'playwright-core';
import type { AuditReport, DataExport } from '../../src/core/audit-report.ts';
import { parseCatalog } from '../../src/core/catalog.ts';
import { useServerAndChromium } from '../support/browser-session.ts';
import { NOTHING, readDeviceStorage, widgetTraces } from '../support/device-storage.ts';
import { repoRoot } from '../support/models.ts';
import { readShelf } from '../support/storefront.ts';

const catalog = parseCatalog(JSON.parse(readFileSync(join(repoRoot, 'public/catalog/demo-catalog.json'), 'utf8')));
const QUERY = 'warm blanket for a cold cabin';
const [first, second] = catalog.products.filter((p) => p.in_stock && p.category[0] === 'Bedding');

declare const window: {
  privet: {
    audit(): Promise<AuditReport>;
    exportData(): Promise<DataExport>;
    erase(): Promise<void>;
    setMode(mode: string): Promise<void>;
    track(event: { type: string; itemId: string }): Promise<void>;
  };
};

/** Every request of the browser context, pages and workers alike, with its body. */
function recordRequests(context: BrowserContext): { method: string; url: string; body: string | null }[] {
  const seen: { method: string; url: string; body: string | null }[] = [];
  context.on('request', (request: Request) => seen.push({ method: request.method(), url: request.url(), body: request.postData() }));
  return seen;
}

async function search(page: Page, query: string): Promise<void> {
  await page.locator('privet-search input').focus();
  await page.keyboard.type(query, { delay: 10 });
  await page.waitForSelector(`privet-search[data-query="${query}"]`, { state: 'attached', timeout: 120_000 });
}

async function openPanel(page: Page, mode: string): Promise<string> {
  await page.click('[data-privet-open-privacy]');
  await page.waitForSelector(`privet-privacy-panel[data-mode="${mode}"]`, { state: 'attached' });
  return page.$eval('privet-privacy-panel', (el) => el.shadowRoot!.textContent ?? '');
}

/** Picks "Off" in an open privacy panel and waits until the widget has switched. */
async function chooseOffInPanel(page: Page): Promise<void> {
  await page.$eval('privet-privacy-panel', (el) => el.shadowRoot!.querySelector<HTMLInputElement>('input[value="off"]')!.click());
  await page.waitForSelector('privet-privacy-panel[data-mode="off"]', { state: 'attached' });
}

/** The widget's rows, straight from IndexedDB (not through the widget's own code). */
async function rawStores(page: Page, context: BrowserContext) {
  const storage = await readDeviceStorage(page, context);
  return storage.indexedDB.find((db) => db.name === 'privet')?.stores ?? null;
}

describe('privacy in mode local (the demo store\'s default)', () => {
  const session = useServerAndChromium({ webgpu: false });

  it('keeps events across reloads, learns on the device, exports exactly what is stored, reports it, and erases it all', { timeout: 300_000 }, async () => {
    const { origin } = session.server;
    const { context } = session.browser;
    const requests = recordRequests(context);
    const page = await context.newPage();

    await page.goto(`${origin}/product/${first!.id}`);
    await readShelf(page, 'similar');
    // A search is recorded when the shopper picks a result.
    await search(page, QUERY);
    const picked = (await page.getAttribute('privet-search', 'data-items'))!.split(' ')[0]!;
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${origin}/product/${picked}`);
    await page.goto(`${origin}/product/${second!.id}`);
    await page.click(`[data-privet-add-to-cart="${second!.id}"]`);
    await page.waitForURL(`${origin}/cart`);
    await page.reload();
    await readShelf(page, 'goes-well-with');

    // Survived the reloads: the views, the search with its words, the cart.
    let stores = (await rawStores(page, context))!;
    const events = stores.events!.map((r) => r.value as { type: string; itemId?: string; query?: string });
    expect(events).toContainEqual(expect.objectContaining({ type: 'view', itemId: first!.id }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'view', itemId: second!.id }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'search', query: QUERY }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'add_to_cart', itemId: second!.id }));

    // The learner worker turned them into a profile, off the main thread.
    await expect.poll(async () => ((await rawStores(page, context))!.profile?.[0]?.value as { events?: number } | undefined)?.events ?? 0, { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
    stores = (await rawStores(page, context))!;
    const profile = stores.profile![0]!.value as { ranker: string; offset: number[]; vector: number[]; lastEventKey: number };
    expect(profile.ranker).toMatch(/^ranker\.demo\./);
    expect(Math.hypot(...profile.offset)).toBeGreaterThan(0);
    expect(profile.vector).toHaveLength(384);
    expect(page.workers().map((w) => w.url()).some((url) => url.includes('learner'))).toBe(true);

    // For you, on the next page, from the ranker with the personal offset.
    await page.goto(`${origin}/`);
    expect(await readShelf(page, 'for-you')).toMatchObject({ state: 'ready', served: 'for-you' });

    // The export is every record of every store, exactly as IndexedDB holds it.
    const exported = await page.evaluate(() => window.privet.exportData());
    stores = (await rawStores(page, context))!;
    expect(exported.format).toBe('privet-export');
    expect(exported.mode).toBe('local');
    expect(exported.stores.map((s) => s.name).sort()).toEqual(Object.keys(stores).sort());
    for (const store of exported.stores) {
      expect(store.description.length).toBeGreaterThan(20);
      expect(store.records).toEqual(stores[store.name]);
    }
    const cached = (await readDeviceStorage(page, context)).caches['privet-models']!;
    expect(exported.caches[0]!.entries.map((e) => e.url).sort()).toEqual([...cached].sort());

    // The audit report: stores with counts, ages and sizes, retention, every request, the model's guarantee.
    const report = await page.evaluate(() => window.privet.audit());
    const eventsRow = report.stores.find((s) => s.name === 'events')!;
    const stamps = stores.events!.map((r) => (r.value as { at: number }).at);
    expect(eventsRow).toMatchObject({ records: stores.events!.length, unreadable: 0, oldest: new Date(Math.min(...stamps)).toISOString(), newest: new Date(Math.max(...stamps)).toISOString() });
    expect(eventsRow.bytes).toBeGreaterThan(100);
    expect(report).toMatchObject({ format: 'privet-audit', mode: 'local', merchantDefault: 'local', persistent: true, retention: { ttlDays: 90, maxEvents: 5000 } });
    expect(report.model).toMatchObject({ dp: { rounds: 0 }, guarantee: expect.stringContaining('No data from shoppers') });
    const purposes = new Set(report.requests.map((r) => r.purpose));
    for (const purpose of ['download the public model', 'download the store catalogue', 'download the widget code']) expect(purposes).toContain(purpose);
    expect(report.sent.bytesSent).toBe(0);
    expect(report.requests.every((r) => r.method === 'GET' && r.bytesSent === 0 && !Number.isNaN(Date.parse(r.at)))).toBe(true);
    // Logged across page loads: the feed was fetched on more than one page.
    expect(report.requests.filter((r) => r.purpose === 'download the store catalogue').length).toBeGreaterThan(1);

    // The panel says the same in plain words, and "Download my data" saves the export.
    const text = await openPanel(page, 'local');
    expect(text).toContain(`${eventsRow.records} records of what you viewed`);
    expect(text).toContain('Records are deleted after 90 days');
    expect(text).toContain('Sent about you: nothing');
    expect(text).toContain('No data from shoppers');
    const [download] = await Promise.all([page.waitForEvent('download'), page.$eval('privet-privacy-panel', (el) => [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'Download my data')!.click())]);
    expect(download.suggestedFilename()).toMatch(/^privet-data-\d{4}-\d{2}-\d{2}\.json$/);
    const saved = JSON.parse(readFileSync((await download.path())!, 'utf8')) as DataExport;
    expect(saved.stores.find((s) => s.name === 'events')!.records).toEqual(stores.events);

    // Erase: nothing the widget wrote is left in any storage API.
    await page.$eval('privet-privacy-panel', (el) => [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'Erase everything')!.click());
    await page.waitForFunction(() => document.querySelector('privet-privacy-panel')!.shadowRoot!.textContent!.includes('Erased: nothing about you is kept'));
    expect(widgetTraces(await readDeviceStorage(page, context))).toEqual(NOTHING);
    // And nothing comes back by itself: no scheduled learning, no late network-log write.
    await page.waitForTimeout(5_000);
    expect(widgetTraces(await readDeviceStorage(page, context))).toEqual(NOTHING);
    // The cart is the merchant's and stays.
    expect((await context.cookies(origin)).map((c) => c.name)).toContain('demo_cart');

    // Not one request carried a body, and none of the widget's carried the query or an id list.
    const widget = requests.filter((r) => r.url.startsWith(origin) && /^\/(v1|models|assets)\/|^\/privet\.js$/.test(new URL(r.url).pathname));
    expect(widget.some((r) => r.url.includes('/models/'))).toBe(true); // worker requests are seen too
    for (const request of requests) {
      const merchantCart = request.method === 'POST' && /^\/cart(\/remove)?$/.test(new URL(request.url).pathname);
      if (!merchantCart) expect(request, `${request.method} ${request.url}`).toMatchObject({ body: null });
    }
    for (const request of widget) {
      expect(request.method).toBe('GET');
      const url = decodeURIComponent(request.url).toLowerCase();
      expect(url).not.toContain('blanket');
      expect(url).not.toContain(first!.id.toLowerCase());
      expect(url).not.toContain(second!.id.toLowerCase());
    }
  });
});

describe('mode off', () => {
  describe('as the merchant\'s default', () => {
    const session = useServerAndChromium({ webgpu: false, server: { widgetAttributes: { 'default-mode': 'off' } } });

    it('leaves no trace in any storage API through a whole visit', { timeout: 300_000 }, async () => {
      const { origin } = session.server;
      const { context } = session.browser;
      const requests = recordRequests(context);
      const page = await context.newPage();
      await page.goto(`${origin}/`);
      await readShelf(page, 'for-you');
      await search(page, QUERY);
      await page.goto(`${origin}/product/${first!.id}`);
      expect((await readShelf(page, 'similar')).state).toBe('ready');
      await page.click(`[data-privet-add-to-cart="${first!.id}"]`);
      await page.waitForURL(`${origin}/cart`);
      await readShelf(page, 'goes-well-with');
      const text = await openPanel(page, 'off');
      expect(text).toContain('Nothing is stored');
      // The payload log works in every mode: this page's requests, from memory.
      const report = await page.evaluate(() => window.privet.audit());
      expect(report).toMatchObject({ mode: 'off', persistent: false, sent: { bytesSent: 0 } });
      expect(report.requests.length).toBeGreaterThan(0);
      expect(report.stores.find((s) => s.name === 'events')!.records).toBeGreaterThan(0); // this page's memory

      expect(widgetTraces(await readDeviceStorage(page, context))).toEqual(NOTHING);
      expect(requests.filter((r) => r.body !== null && !/\/cart$/.test(r.url))).toEqual([]);
    });
  });

  describe('chosen by the shopper', () => {
    const session = useServerAndChromium({ webgpu: false });

    it('erases what was kept at once, keeps only the choice itself, and records nothing afterwards', { timeout: 300_000 }, async () => {
      const { origin } = session.server;
      const { context } = session.browser;
      const page = await context.newPage();
      await page.goto(`${origin}/product/${first!.id}`);
      await readShelf(page, 'similar');
      // The view and the shelf's impression (recorded without waiting, so polled).
      await expect.poll(async () => (await rawStores(page, context))?.events?.length ?? 0).toBe(2);

      await openPanel(page, 'local');
      await chooseOffInPanel(page);
      const onlyTheChoice = (storage: Awaited<ReturnType<typeof readDeviceStorage>>) => {
        const traces = widgetTraces(storage);
        const db = traces.indexedDB.find((d) => d.name === 'privet');
        expect(traces.indexedDB).toHaveLength(1);
        // The choice, and the database's own schema version: nothing about the shopper.
        expect(Object.entries(db!.stores).filter(([, records]) => records.length > 0)).toEqual([
          ['consent', [{ key: 'mode', value: { mode: 'off', at: expect.any(Number) } }]],
          ['meta', [{ key: 'schema', value: { version: 2, migrations: [{ from: 0, to: 2, at: expect.any(Number) }] } }]],
        ]);
        expect({ ...traces, indexedDB: [] }).toEqual(NOTHING);
      };
      onlyTheChoice(await readDeviceStorage(page, context));

      // Takes effect at once and holds on later pages: browsing adds nothing.
      await page.keyboard.press('Escape');
      await page.goto(`${origin}/product/${second!.id}`);
      expect((await readShelf(page, 'similar')).state).toBe('ready');
      await search(page, QUERY);
      await page.reload();
      expect(await page.evaluate(async () => (await window.privet.audit()).mode)).toBe('off');
      onlyTheChoice(await readDeviceStorage(page, context));
      // The export shows the choice, the one record kept.
      const exported = await page.evaluate(() => window.privet.exportData());
      expect(exported.stores.find((s) => s.name === 'consent')!.records).toEqual([{ key: 'mode', value: { mode: 'off', at: expect.any(Number) } }]);
      // Erasing never loosens the shopper's own off: the choice is rewritten, alone.
      await page.evaluate(() => window.privet.erase());
      onlyTheChoice(await readDeviceStorage(page, context));
      expect(await page.evaluate(async () => (await window.privet.audit()).mode)).toBe('off');
    });

    it('in another open tab of the store, recording stops too', { timeout: 300_000 }, async () => {
      const { origin } = session.server;
      const { context } = session.browser;
      const chooser = await context.newPage();
      await chooser.goto(`${origin}/`);
      // Whatever an earlier test chose: this shopper starts in "local".
      await chooser.evaluate(() => window.privet.setMode('local'));
      const other = await context.newPage();
      await other.goto(`${origin}/product/${first!.id}`);
      await readShelf(other, 'similar');
      await expect.poll(async () => (await rawStores(chooser, context))?.events?.length ?? 0).toBeGreaterThan(0);
      await openPanel(chooser, 'local');
      await chooseOffInPanel(chooser);
      // The first tab's store opened under "local" and has no idea; its next events must not be kept.
      await other.evaluate(() => window.privet.track({ type: 'view', itemId: 'anything' }));
      await other.click(`[data-privet-add-to-cart="${first!.id}"]`);
      await other.waitForURL(`${origin}/cart`);
      const stores = (await rawStores(chooser, context))!;
      expect(Object.entries(stores).filter(([, records]) => records.length > 0).map(([name]) => name)).toEqual(['consent', 'meta']);
    });
  });
});
