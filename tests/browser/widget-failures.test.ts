/**
 * The widget when things go wrong, in Chromium: a merchant's bad attributes, a model that
 * fails to load, the Privet server going down, and a slow network. In each the page keeps
 * working, the console gets a few clear lines rather than a storm, and nothing shifts.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useServerAndChromium } from '../support/browser-session.ts';
import { readShelf, watchPage } from '../support/storefront.ts';

const session = useServerAndChromium({ webgpu: false });

/** A merchant page of the test's own, served at the store's origin, embedding privet.js as given. */
async function merchantPage(page: Page, origin: string, scriptAttributes: string, body: string): Promise<void> {
  await page.route(`${origin}/merchant-test`, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html lang="en"><head><title>Merchant test</title><link rel="icon" href="data:,"><script type="module" src="/privet.js" ${scriptAttributes}></script></head><body><main>${body}</main></body></html>`,
    }),
  );
  await page.goto(`${origin}/merchant-test`);
}

/** A shopper who never visited: no cached model files, feed or manifest, no stored events. */
async function forgetWidget(page: Page, origin: string): Promise<void> {
  // A blank page of the origin, with a favicon that fetches nothing (a /favicon.ico 404
  // arriving late would be a console error in the next test's page).
  await page.route(`${origin}/__blank`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><link rel="icon" href="data:,">' }));
  await page.goto(`${origin}/__blank`);
  await page.evaluate(async () => {
    await caches.delete('privet-models');
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase('privet');
      request.onsuccess = request.onerror = request.onblocked = resolve;
    });
  });
}

/** Failed requests show up in Chromium's console as "Failed to load resource"; nothing else may. */
const otherThanFailedLoads = (errors: string[]) => errors.filter((e) => !e.startsWith('Failed to load resource'));

describe('widget failure states', () => {
  it('bad attributes get one clear warning each and a sane default', async () => {
    const { origin } = session.server;
    const page = await session.browser.context.newPage();
    const seen = watchPage(page, origin);
    await merchantPage(
      page,
      origin,
      'data-endpoint="/" data-merchant="demo" data-default-mode="sometimes" data-backend="quantum" data-product-url="/p/" data-timeout="soon" data-retention-days="forever" data-max-events="10"',
      `<privet-recs id="a" placement="bogus" limit="lots"></privet-recs>
       <privet-recs id="b" placement="similar"></privet-recs>
       <privet-search limit="-3"></privet-search>`,
    );
    for (const id of ['a', 'b']) {
      await page.waitForSelector(`#${id}[data-state]`, { state: 'attached', timeout: 120_000 });
      // Both fell back to for-you, which on a first visit serves the store's featured items.
      expect(await page.$eval(`#${id}`, (el) => ({ ...(el as HTMLElement).dataset }))).toMatchObject({ state: 'ready', served: 'featured' });
      expect((await page.getAttribute(`#${id}`, 'data-items'))!.split(' ')).toHaveLength(8);
    }
    await page.locator('privet-search input').fill('yoga mat');
    await page.waitForSelector('privet-search[data-query="yoga mat"]', { state: 'attached', timeout: 120_000 });
    expect((await page.getAttribute('privet-search', 'data-items'))!.split(' ')).toHaveLength(8);
    const expected = [
      'data-default-mode "sometimes"',
      'data-backend "quantum"',
      'data-product-url "/p/"',
      'data-timeout "soon"',
      'data-retention-days "forever" must be a whole number from 1 to 730; using 90',
      'data-max-events "10" must be a whole number from 100 to 100000; using 5000',
      '<privet-recs placement="bogus">',
      '<privet-recs limit="lots">',
      '<privet-recs placement="similar"> needs an item-id',
      '<privet-search limit="-3">',
    ];
    for (const fragment of expected) expect(seen.warnings.filter((w) => w.includes(fragment))).toHaveLength(1);
    expect(seen.warnings.every((w) => w.startsWith('privet: '))).toBe(true);
    // The cards link with the default product URL, since the given one had no {id}.
    expect(await page.$eval('#a', (el) => el.shadowRoot!.querySelector('a.card')!.getAttribute('href'))).toMatch(/^\/product\/p-\d+$/);
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it('a model that fails verification leaves shelves working and search answering from words', async () => {
    const { origin } = session.server;
    const page = await session.browser.context.newPage();
    await forgetWidget(page, origin);
    const seen = watchPage(page, origin);
    // Tampered bytes: the sha256 check in the worker refuses them.
    await page.route('**/models/*/encoder.*.onnx', (route) => route.fulfill({ contentType: 'application/octet-stream', body: Buffer.from('not the model') }));
    await page.goto(`${origin}/product/p-0001`);
    const similar = await readShelf(page, 'similar');
    expect(similar).toMatchObject({ state: 'ready', served: 'similar' });
    expect(similar.items).toHaveLength(8);
    await page.locator('privet-search input').focus();
    await page.waitForSelector('privet-search[data-backend="none"]', { state: 'attached', timeout: 120_000 });
    await page.keyboard.type('skillet');
    await page.waitForSelector('privet-search[data-query="skillet"]', { state: 'attached', timeout: 120_000 });
    expect(await page.getAttribute('privet-search', 'data-method')).toBe('keywords');
    const titles = await page.$eval('privet-search', (el) => [...el.shadowRoot!.querySelectorAll('[role="option"] .title')].map((t) => t.textContent ?? ''));
    // Title matches first (the in-stock skillets and the skillet cookbooks), then products
    // whose category says "Skillets" (a frying pan), and nothing that mentions no skillet.
    expect(titles.slice(0, 4).every((t) => /skillet/i.test(t))).toBe(true);
    expect(titles).toContain('Carbon Steel Frying Pan 11-inch');
    expect(titles).toHaveLength(5);
    const chips = await page.$eval('privet-search', (el) => [...el.shadowRoot!.querySelectorAll('.chips li')].map((li) => li.textContent));
    expect(chips).toContain('word match (model unavailable)');
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it('with IndexedDB blocked, the visit is kept in memory and the shelves still work', async () => {
    const { origin } = session.server;
    const page = await session.browser.context.newPage();
    // As a browser with site storage blocked: every IndexedDB call throws.
    await page.addInitScript(() => {
      const blocked = () => {
        throw new DOMException('storage is blocked for this site', 'SecurityError');
      };
      Object.defineProperty(window, 'indexedDB', { get: () => ({ open: blocked, databases: blocked, deleteDatabase: blocked }) });
    });
    const seen = watchPage(page, origin);
    await page.goto(`${origin}/product/p-0004`);
    expect(await readShelf(page, 'similar')).toMatchObject({ state: 'ready', served: 'similar' });
    expect(seen.warnings.filter((w) => w.startsWith('privet: IndexedDB is unavailable'))).toHaveLength(1);
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it('with the Privet server down, a returning shopper gets shelves from the cache; a new one a quiet notice', async () => {
    const { origin } = session.server;
    const page = await session.browser.context.newPage();
    await page.goto(`${origin}/product/p-0002`);
    const before = await readShelf(page, 'similar');
    expect(before.state).toBe('ready');

    // The merchant's pages and privet.js still load; every Privet endpoint is unreachable.
    const down = (p: Page) => p.route(/\/(v1|models)\//, (route) => route.abort('connectionrefused'));
    await down(page);
    const seen = watchPage(page, origin);
    await page.reload();
    const after = await readShelf(page, 'similar');
    expect(after).toMatchObject({ state: 'ready', served: 'similar' });
    expect(after.items).toEqual(before.items);
    expect(otherThanFailedLoads(seen.errors)).toEqual([]);
    expect(seen.errors.length).toBeLessThanOrEqual(3);
    await page.close();

    // A shopper who never visited: nothing cached, so each shelf says so, once.
    const newcomer = await session.browser.context.newPage();
    await forgetWidget(newcomer, origin);
    await down(newcomer);
    const newSeen = watchPage(newcomer, origin);
    await newcomer.goto(`${origin}/product/p-0002`);
    const unavailable = await readShelf(newcomer, 'similar');
    expect(unavailable.state).toBe('unavailable');
    expect(await newcomer.$eval('privet-recs[placement="similar"]', (el) => el.shadowRoot!.querySelector('.note')!.textContent)).toBe('Recommendations are unavailable right now.');
    expect(otherThanFailedLoads(newSeen.errors)).toEqual([]);
    expect(newSeen.errors.length).toBeLessThanOrEqual(3);
    expect(newSeen.warnings.filter((w) => w.startsWith('privet: the similar shelf is unavailable'))).toHaveLength(1);
    await newcomer.close();
  });

  it('on a slow network shelves hold their size with skeletons, then fill without shifting; a stalled one times out', async () => {
    const { origin } = session.server;
    const page = await session.browser.context.newPage();
    await page.addInitScript(() => {
      (window as unknown as { shifts: number }).shifts = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as (PerformanceEntry & { value: number })[]) (window as unknown as { shifts: number }).shifts += entry.value;
      }).observe({ type: 'layout-shift', buffered: true });
    });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/v1/manifest', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${origin}/product/p-0003`);
    const shelf = page.locator('privet-recs[placement="similar"]');
    await shelf.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector('privet-recs[placement="similar"]')?.shadowRoot?.querySelectorAll('.skeleton').length === 8);
    expect(await shelf.getAttribute('data-state')).toBeNull();
    expect(await page.$eval('privet-recs[placement="similar"]', (el) => el.shadowRoot!.querySelector('section')!.getAttribute('aria-busy'))).toBe('true');
    const skeletonBox = await shelf.boundingBox();
    // From here on: the skeleton → cards swap (the element's own upgrade is the merchant's
    // to reserve space for, with privet-recs:not(:defined) in their CSS).
    await page.evaluate(() => ((window as unknown as { shifts: number }).shifts = 0));
    release();
    expect((await readShelf(page, 'similar')).state).toBe('ready');
    const filledBox = await shelf.boundingBox();
    expect(filledBox!.height).toBeCloseTo(skeletonBox!.height, 0);
    expect(await page.evaluate(() => (window as unknown as { shifts: number }).shifts)).toBeLessThan(0.01);
    await page.close();

    // A manifest that never arrives: after data-timeout the shelf gives up, quietly.
    const stalled = await session.browser.context.newPage();
    const seen = watchPage(stalled, origin);
    await stalled.route('**/v1/manifest', () => undefined);
    await merchantPage(stalled, origin, 'data-endpoint="/" data-merchant="demo" data-timeout="2"', '<privet-recs placement="trending"></privet-recs>');
    await stalled.waitForSelector('privet-recs[data-state="unavailable"]', { state: 'attached', timeout: 20_000 });
    expect(seen.warnings.filter((w) => w.includes('took longer than 2 s'))).toHaveLength(1);
    expect(seen.errors).toEqual([]);
    await stalled.close();
  });
});
