/**
 * npm run bench:widget (second part) — what the widget costs the merchant's main thread on
 * the demo store in Debian Chromium (WASM): long tasks (> 50 ms) and their total, first
 * visit (cold Cache Storage) and returning visit, while a shopper loads home, types a
 * search and opens a product. Appends `main_thread` to bench/results/widget.json.
 *
 * A long task is attributed to the page, not to a script, so the same journey is also run
 * on a copy of each page with the widget's script tag removed: the difference is ours.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../tests/support/chromium.ts';
import { repoRoot } from '../tests/support/models.ts';
import { startServer } from '../tests/support/server.ts';
import { readShelf } from '../tests/support/storefront.ts';

declare const window: { longTasks: number[] };

interface Visit {
  long_tasks: number;
  longest_ms: number;
  total_blocking_ms: number;
}

async function journey(page: Page, origin: string, withWidget: boolean): Promise<Visit> {
  if (!withWidget) {
    // The merchant's page exactly as served, minus privet.js.
    await page.route(/\/(|product\/[\w-]+)$/, async (route) => {
      const response = await route.fetch();
      route.fulfill({ response, body: (await response.text()).replace(/<script type="module" src="\/privet\.js"[^>]*><\/script>/, '') });
    });
  }
  const tasks: number[] = [];
  for (const path of ['/', '/product/p-0101']) {
    await page.goto(`${origin}${path}`);
    if (withWidget) {
      await readShelf(page, path === '/' ? 'for-you' : 'similar');
      if (path === '/') {
        await page.locator('privet-search input').focus();
        await page.keyboard.type('warm wool socks for hiking', { delay: 40 });
        await page.waitForSelector('privet-search[data-query="warm wool socks for hiking"]', { state: 'attached', timeout: 120_000 });
      }
    } else {
      await page.waitForTimeout(3000);
    }
    tasks.push(...(await page.evaluate(() => window.longTasks)));
  }
  await page.unrouteAll();
  return {
    long_tasks: tasks.length,
    longest_ms: Math.round(Math.max(0, ...tasks)),
    total_blocking_ms: Math.round(tasks.reduce((sum, d) => sum + Math.max(0, d - 50), 0)),
  };
}

const server = await startServer();
const browser = await launchChromium({ webgpu: false });
try {
  await browser.context.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: true });
  });
  const page = await browser.context.newPage();
  const withoutWidget = await journey(page, server.origin, false);
  const firstVisit = await journey(page, server.origin, true);
  const returning = await journey(page, server.origin, true);
  const result = { without_widget: withoutWidget, first_visit: firstVisit, returning_visit: returning };
  const path = join(repoRoot, 'bench/results/widget.json');
  const report = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(path, `${JSON.stringify({ ...report, main_thread: { pages: ['/', '/product/p-0101'], ...result } }, null, 2)}\n`);
  console.log('\nmain thread (long tasks > 50 ms over home + search + product page)');
  console.log('visit            long tasks  longest ms  blocking ms');
  for (const [name, v] of Object.entries(result)) console.log(`${name.padEnd(16)} ${String(v.long_tasks).padStart(10)}  ${String(v.longest_ms).padStart(10)}  ${String(v.total_blocking_ms).padStart(11)}`);
} finally {
  await browser.close();
  await server.app.close();
}
