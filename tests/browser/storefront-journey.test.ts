/**
 * A shopper's journey through the demo store, in Debian Chromium, on both inference paths:
 * land on home, search, open a product, see similar items, add to cart, see goes-well-with,
 * and find "for you" changed by what they did. Everything is asserted on product ids and
 * element state, not pixels; screenshots are kept in test-results/ for people.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/core/catalog.ts';
import { seriousViolations } from '../support/axe.ts';
import { useServerAndChromium } from '../support/browser-session.ts';
import { readJson, repoRoot } from '../support/models.ts';
import { readShelf, shelfReasons, watchPage } from '../support/storefront.ts';

const catalog = parseCatalog(readJson(join(repoRoot, 'public/catalog/demo-catalog.json')));
const byId = new Map(catalog.products.map((p) => [p.id, p]));
const QUERY = 'gift for a chemistry teacher under $30';

for (const backend of (process.env.ONLY ? [process.env.ONLY] : ['wasm', 'webgpu']) as ('wasm' | 'webgpu')[]) {
  describe(`the shopper's journey (${backend})`, () => {
    // WASM is what `auto` picks here; WebGPU (SwiftShader) only when the merchant asks for it.
    const session = useServerAndChromium({ webgpu: backend === 'webgpu', server: backend === 'webgpu' ? { widgetAttributes: { backend: 'webgpu' } } : {} });
    const shot = (name: string) => join(repoRoot, `test-results/journey-${backend}-${name}.png`);

    it('search, product, similar, cart, goes-well-with, and a for-you shelf that follows the shopper', { timeout: 600_000 }, async () => {
      const { origin } = session.server;
      const page = await session.browser.context.newPage();
      const seen = watchPage(page, origin);

      // Home, first visit: nothing to personalise from, so the store's featured picks.
      await page.goto(`${origin}/`);
      const firstForYou = await readShelf(page, 'for-you');
      expect(firstForYou).toMatchObject({ state: 'ready', served: 'featured' });
      expect(firstForYou.items).toHaveLength(8);
      expect(page.workers()).toHaveLength(1);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: shot('1-home'), fullPage: true });

      // Search by keyboard alone: chips for what was understood, results within the price.
      // Focus loads the encoder; the backend is the one this run is about.
      await page.locator('privet-search input').focus();
      await page.waitForSelector('privet-search[data-backend]', { state: 'attached', timeout: 120_000 });
      expect(await page.getAttribute('privet-search', 'data-backend')).toBe(backend);
      await page.keyboard.type(QUERY, { delay: 20 });
      await page.waitForSelector(`privet-search[data-query="${QUERY}"]`, { state: 'attached', timeout: 120_000 });
      expect(await page.getAttribute('privet-search', 'data-method')).toBe('model');
      const results = (await page.getAttribute('privet-search', 'data-items'))!.split(' ');
      expect(results.length).toBeGreaterThan(0);
      for (const id of results) expect(byId.get(id)!.price).toBeLessThanOrEqual(30);
      expect(results.some((id) => byId.get(id)!.category[0] === 'Science & Lab')).toBe(true);
      const chips = await page.$eval('privet-search', (el) => [...el.shadowRoot!.querySelectorAll('.chips li')].map((li) => li.textContent ?? ''));
      expect(chips.some((c) => c.startsWith('Science & Lab'))).toBe(true);
      expect(chips.some((c) => c.startsWith('gift'))).toBe(true);
      expect(chips).toContain('under $30.00');
      expect(await page.$eval('privet-search input', (input) => input.getAttribute('aria-expanded'))).toBe('true');
      await page.screenshot({ path: shot('2-search') });
      expect(await seriousViolations(page)).toEqual([]);

      await page.keyboard.press('ArrowDown');
      expect(await page.$eval('privet-search input', (input) => input.getAttribute('aria-activedescendant'))).toMatch(/option-0$/);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${origin}/product/${results[0]}`);

      // The product: similar items from the same part of the catalogue, never itself.
      const product = byId.get(results[0]!)!;
      const similar = await readShelf(page, 'similar');
      expect(similar).toMatchObject({ state: 'ready', served: 'similar' });
      expect(similar.items).toHaveLength(8);
      expect(similar.items).not.toContain(product.id);
      // Real embeddings: most neighbours share the department or a distinctive title word
      // (a periodic-table mug sits between science gifts and other mugs).
      const titleWords = new Set(product.title.toLowerCase().match(/[a-z]{3,}/g));
      const related = (id: string) => byId.get(id)!.category[0] === product.category[0] || byId.get(id)!.title.toLowerCase().match(/[a-z]{3,}/g)!.some((w) => titleWords.has(w));
      expect(similar.items.filter(related).length).toBeGreaterThanOrEqual(5);
      expect((await shelfReasons(page, 'similar')).every((r) => r === `Similar to ${product.title}`)).toBe(true);
      // The shelf's own styles apply in its shadow root: cards are 11rem wide at this size,
      // and a merchant's --privet-card-width overrides it.
      const cardWidth = () => page.$eval('privet-recs[placement="similar"]', (el) => el.shadowRoot!.querySelector('li')!.getBoundingClientRect().width);
      expect(await cardWidth()).toBeCloseTo(176, 0);
      await page.addStyleTag({ content: 'privet-recs { --privet-card-width: 200px; }' });
      expect(await cardWidth()).toBeCloseTo(200, 0);
      // Recently viewed leaves out the product on the page: this is the shopper's first.
      const recent = await readShelf(page, 'recently-viewed');
      expect(recent).toMatchObject({ state: 'empty', items: [] });
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: shot('3-product'), fullPage: true });

      // Add to cart: the merchant's own form; the widget records it on the way.
      await page.click(`[data-privet-add-to-cart="${product.id}"]`);
      await page.waitForURL(`${origin}/cart`);
      expect(await page.textContent('#cart-link')).toContain('1');
      const complements = await readShelf(page, 'goes-well-with');
      expect(complements).toMatchObject({ state: 'ready', served: 'goes-well-with' });
      expect(complements.items.length).toBeGreaterThan(0);
      expect(complements.items).not.toContain(product.id);
      for (const id of complements.items) expect(byId.get(id)!.category).not.toEqual(product.category);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: shot('4-cart'), fullPage: true });

      // Home again: for-you now comes from the ranker over this shopper's history.
      await page.goto(`${origin}/`);
      const forYou = await readShelf(page, 'for-you');
      expect(forYou).toMatchObject({ state: 'ready', served: 'for-you' });
      expect(forYou.items).not.toEqual(firstForYou.items);
      expect(forYou.items).not.toContain(product.id);
      expect((await shelfReasons(page, 'for-you')).every((r) => r === `Because you viewed ${product.title}`)).toBe(true);
      await page.screenshot({ path: shot('5-home-for-you'), fullPage: true });

      // The privacy panel: opens from the merchant's footer button, states what is kept.
      await page.click('[data-privet-open-privacy]');
      await page.waitForSelector('privet-privacy-panel[data-mode="local"]', { state: 'attached' });
      const panel = await page.$eval('privet-privacy-panel', (el) => ({ open: el.shadowRoot!.querySelector('dialog')!.open, text: el.shadowRoot!.textContent ?? '' }));
      expect(panel.open).toBe(true);
      expect(panel.text).toMatch(/\d+ records of what you viewed/);
      expect(panel.text).toContain('Sent about you: nothing');
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: shot('6-privacy') });
      await page.keyboard.press('Escape');
      expect(await page.$eval('privet-privacy-panel', (el) => el.shadowRoot!.querySelector('dialog')!.open)).toBe(false);

      // What the widget kept, read straight from IndexedDB: the journey, on this device.
      const stored = await page.evaluate(
        () =>
          new Promise<{ type: string; itemId?: string; query?: string; embedding?: number[]; category?: string[] }[]>((resolve, reject) => {
            const open = indexedDB.open('privet');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const all = open.result.transaction('events').objectStore('events').getAll();
              all.onsuccess = () => resolve(all.result);
            };
          }),
      );
      const types = new Set(stored.map((e) => e.type));
      for (const type of ['view', 'click', 'add_to_cart', 'impression', 'search']) expect(types).toContain(type);
      expect(stored).toContainEqual(expect.objectContaining({ type: 'search', query: QUERY }));
      expect(stored).toContainEqual(expect.objectContaining({ type: 'add_to_cart', itemId: product.id }));
      expect(stored).toContainEqual(expect.objectContaining({ type: 'click', itemId: product.id, category: product.category, placement: 'search' }));
      // Mode local (the demo's default) contributes nothing: the query's embedding, which only
      // the intent head's federated update reads, is not kept.
      expect(stored.filter((e) => e.type === 'search' && e.embedding !== undefined)).toEqual([]);

      // 320 px wide: nothing overflows the page; the carousel scrolls inside itself.
      await page.setViewportSize({ width: 320, height: 640 });
      await page.goto(`${origin}/product/${product.id}`);
      await readShelf(page, 'similar');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
      const track = await page.$eval('privet-recs[placement="similar"]', (el) => {
        const ol = el.shadowRoot!.querySelector('ol')!;
        return { scrollWidth: ol.scrollWidth, clientWidth: ol.clientWidth };
      });
      expect(track.scrollWidth).toBeGreaterThan(track.clientWidth);
      expect(track.clientWidth).toBeLessThanOrEqual(320);
      await page.screenshot({ path: shot('7-product-320px'), fullPage: true });

      expect(seen.foreign).toEqual([]);
      expect(seen.errors).toEqual([]);
      expect(seen.warnings).toEqual([]);
      await page.close();
    });
  });
}
