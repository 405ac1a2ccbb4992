/**
 * The browser worker's "for you" ranking reproduces the trainer's: for golden shoppers, the
 * worker's top-10 (pure relevance, no rules) is the top-10 that `python -m
 * trainer.recsys.recommend` computes from the same published ranker and item matrix.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineProbe } from '../../src/widget/demo/engine-probe.ts';
import { useServerAndChromium } from '../support/browser-session.ts';
import { repoRoot } from '../support/models.ts';

declare const window: { engineProbe: EngineProbe };

const GOLDEN_SHOPPERS = [
  ['p-0001'],
  ['p-0001', 'p-0002', 'p-0100'],
  ['p-0042', 'p-0200', 'p-0300', 'p-0301', 'p-0302', 'p-0010', 'p-0400'],
];

function trainerTopTen(history: string[]): { ids: string[]; scores: number[] } {
  const out = execFileSync(join(repoRoot, '.venv/bin/python'), ['-m', 'trainer.recsys.recommend', '--name', 'demo', '--history', history.join(','), '--k', '10'], { cwd: repoRoot, encoding: 'utf8' });
  return JSON.parse(out) as { ids: string[]; scores: number[] };
}

describe('for-you recommendations in the browser worker', () => {
  const session = useServerAndChromium();

  it('reproduces the trainer top-10 for the golden shoppers', async () => {
    const page = await session.browser.context.newPage();
    await page.goto(`${session.server.origin}/engine-probe.html`);
    await page.waitForSelector('body[data-probe-ready="true"]');
    await page.evaluate((origin) => window.engineProbe.init({ catalog: 'demo', catalogUrl: `${origin}/catalog/demo-catalog.json` }), session.server.origin);
    for (const history of GOLDEN_SHOPPERS) {
      const expected = trainerTopTen(history);
      const { items } = await page.evaluate((h) => window.engineProbe.recommend({ history: h, k: 10, lambda: 1, rules: { inStockOnly: false }, excludeHistory: false }), history);
      expect(items.map((i) => i.id)).toEqual(expected.ids);
      items.forEach((item, i) => expect(Math.abs(item.score - expected.scores[i]!)).toBeLessThan(1e-5));
    }
    await page.close();
  }, 120_000);

  it('serves a store shelf: history and sold-out items left out, each pick with a reason', async () => {
    const page = await session.browser.context.newPage();
    await page.goto(`${session.server.origin}/engine-probe.html`);
    await page.waitForSelector('body[data-probe-ready="true"]');
    await page.evaluate((origin) => window.engineProbe.init({ catalog: 'demo', catalogUrl: `${origin}/catalog/demo-catalog.json` }), session.server.origin);
    const history = GOLDEN_SHOPPERS[1]!;
    const { items } = await page.evaluate((h) => window.engineProbe.recommend({ history: h, k: 8 }), history);
    expect(items).toHaveLength(8);
    const catalog = (await (await fetch(`${session.server.origin}/catalog/demo-catalog.json`)).json()) as { products: { id: string; title: string; in_stock: boolean }[] };
    const byId = new Map(catalog.products.map((p) => [p.id, p]));
    const historyTitles = history.map((id) => byId.get(id)!.title);
    const empty = await page.evaluate(() => window.engineProbe.recommend({ history: [], k: 8 }));
    expect(empty.items).toEqual([]);
    for (const item of items) {
      expect(history).not.toContain(item.id);
      expect(byId.get(item.id)!.in_stock).toBe(true);
      expect(historyTitles.map((t) => `Because you viewed ${t}`)).toContain(item.reason);
    }
    await page.close();
  }, 120_000);
});
