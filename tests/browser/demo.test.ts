/** The placeholder storefront: similar items computed in the browser, no third-party request. */
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../src/core/catalog.ts';
import { useServerAndChromium } from '../support/browser-session.ts';
import { readJson, repoRoot } from '../support/models.ts';
import { join } from 'node:path';

const catalog = parseCatalog(readJson(join(repoRoot, 'public/catalog/demo-catalog.json')));
const session = useServerAndChromium();

describe('demo storefront', () => {
  it('shows embedding-based similar items for a product, computed in a worker, all from our origin', async () => {
    const page = await session.browser.context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const product = catalog.products[0]!;
    await page.goto(`${session.server.origin}/?product=${product.id}`);
    await page.waitForSelector('body[data-similar-ready]', { timeout: 110_000 });
    expect(await page.getAttribute('body', 'data-similar-ready')).toBe('true');
    expect(page.workers().length).toBe(1);

    const ids = await page.$$eval('#similar-list li', (items) => items.map((li) => (li as HTMLElement).dataset.productId!));
    expect(ids).toHaveLength(8);
    expect(ids).not.toContain(product.id);
    // Real embeddings put most neighbours in the product's own top-level category.
    const sameCategory = ids.filter((id) => catalog.products.find((p) => p.id === id)!.category[0] === product.category[0]);
    expect(sameCategory.length).toBeGreaterThanOrEqual(5);

    expect(requests.filter((url) => new URL(url).origin !== session.server.origin)).toEqual([]);
    expect(requests.some((url) => url.includes('/models/') && url.endsWith('encoder.int8.onnx'))).toBe(true);
    expect(errors).toEqual([]);
    // Search: the query is embedded in the browser and ranked over the catalogue.
    await page.fill('#search-input', 'gift for a chemistry teacher');
    await page.waitForSelector('#search-results[data-query="gift for a chemistry teacher"]');
    const found = await page.$$eval('#search-list li', (items) => items.map((li) => (li as HTMLElement).dataset.productId!));
    expect(found).toHaveLength(8);
    expect(found.some((id) => catalog.products.find((p) => p.id === id)!.category[0] === 'Science & Lab')).toBe(true);
    const chips = await page.$$eval('#intent-chips li', (items) => items.map((li) => li.textContent ?? ''));
    expect(chips.some((chip) => chip.startsWith('Science & Lab'))).toBe(true);
    expect(chips.some((chip) => chip.startsWith('gift'))).toBe(true);
    expect(requests.filter((url) => new URL(url).origin !== session.server.origin)).toEqual([]);
    // For you: the catalogue's ranker over this visit's views, each pick with its reason.
    const next = catalog.products.find((p) => p.id === ids[0])!;
    await page.click(`#similar-list li[data-product-id="${next.id}"] a`);
    await page.waitForSelector(`#for-you-list[data-history="${product.id} ${next.id}"]`);
    const picks = await page.$$eval('#for-you-list li', (items) => items.map((li) => ({ id: (li as HTMLElement).dataset.productId!, reason: li.querySelector('.score')!.textContent })));
    expect(picks).toHaveLength(8);
    for (const pick of picks) {
      expect([product.id, next.id]).not.toContain(pick.id);
      expect(catalog.products.find((p) => p.id === pick.id)!.in_stock).toBe(true);
      expect([`Because you viewed ${product.title}`, `Because you viewed ${next.title}`]).toContain(pick.reason);
    }
    await page.screenshot({ path: join(repoRoot, 'test-results/demo-similar.png'), fullPage: true });
    await page.close();
  });
});
