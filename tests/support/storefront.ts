/** Reading the widget's elements on a storefront page, as a test sees them. */
import type { Page } from 'playwright-core';

export interface ShelfState {
  state: string;
  served: string | null;
  backend: string | null;
  items: string[];
}

/** Scrolls a shelf into view (it loads lazily) and waits for its answer. */
export async function readShelf(page: Page, placement: string, timeout = 120_000): Promise<ShelfState> {
  const selector = `privet-recs[placement="${placement}"]`;
  await page.locator(selector).scrollIntoViewIfNeeded();
  await page.waitForSelector(`${selector}[data-state]:not([data-state="loading"])`, { state: 'attached', timeout });
  return page.$eval(selector, (el) => {
    const data = (el as HTMLElement).dataset;
    return { state: data.state!, served: data.served ?? null, backend: data.backend ?? null, items: data.items ? data.items.split(' ') : [] };
  });
}

/** The reasons printed on a shelf's cards, in order. */
export function shelfReasons(page: Page, placement: string): Promise<string[]> {
  return page.$eval(`privet-recs[placement="${placement}"]`, (el) => [...el.shadowRoot!.querySelectorAll('.card .reason')].map((r) => r.textContent ?? ''));
}

/** Collects what a test must see none of: console errors, page errors, requests to other origins. */
export function watchPage(page: Page, origin: string): { errors: string[]; warnings: string[]; foreign: string[]; requests: string[] } {
  const seen = { errors: [] as string[], warnings: [] as string[], foreign: [] as string[], requests: [] as string[] };
  page.on('console', (m) => {
    if (m.type() === 'error') seen.errors.push(m.text());
    if (m.type() === 'warning') seen.warnings.push(m.text());
  });
  page.on('pageerror', (e) => seen.errors.push(e.message));
  page.on('request', (r) => {
    seen.requests.push(r.url());
    const url = new URL(r.url());
    if (url.protocol !== 'data:' && url.protocol !== 'blob:' && url.origin !== origin) seen.foreign.push(r.url());
  });
  return seen;
}
