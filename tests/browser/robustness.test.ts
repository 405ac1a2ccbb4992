/** The inference worker under awkward input, concurrency and crashes. */
import { describe, expect, it } from 'vitest';
import type { EngineProbe } from '../../src/widget/demo/engine-probe.ts';
import { useServerAndChromium } from '../support/browser-session.ts';
import { maxAbsDiff } from '../support/models.ts';

declare const window: { engineProbe: EngineProbe };

const session = useServerAndChromium();

async function readyProbe() {
  const page = await session.browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${session.server.origin}/engine-probe.html`);
  await page.waitForSelector('body[data-probe-ready="true"]');
  await page.evaluate(() => window.engineProbe.init({ backend: 'wasm', catalog: 'demo' }));
  return { page, errors };
}

describe('inference worker robustness', () => {
  it('answers empty, blank, very long and non-Latin queries', async () => {
    const { page, errors } = await readyProbe();
    const long = 'handmade ceramic coffee mug with a wide handle '.repeat(110); // ~5,000 characters
    for (const text of ['', '   \t\n ', long, '无线蓝牙耳机', 'Ελληνικό ελαιόλαδο', '🎁🎄', 'مج قهوة']) {
      const result = await page.evaluate((t) => window.engineProbe.rank({ text: t, k: 20 }), text);
      expect(result.items, JSON.stringify(text.slice(0, 20))).toHaveLength(20);
      expect(result.intents!.categories.length).toBeGreaterThan(0);
    }
    // Truncated at the model's token budget: the tail past it changes nothing.
    const [whole, head] = await page.evaluate((t) => window.engineProbe.embed([t, t.slice(0, 1500)]), long);
    expect(maxAbsDiff(whole!, head!)).toBeLessThan(1e-6);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('queues many concurrent calls and answers each one as if it were alone', async () => {
    const { page } = await readyProbe();
    const texts = Array.from({ length: 40 }, (_, i) => `gift idea number ${i} for a coffee lover`);
    const [concurrent, sequential] = await page.evaluate(async (ts) => {
      const together = await Promise.all(ts.map((text) => window.engineProbe.rank({ text, k: 5 })));
      const alone = [];
      for (const text of ts) alone.push(await window.engineProbe.rank({ text, k: 5 }));
      return [together.map((r) => r.items), alone.map((r) => r.items)];
    }, texts);
    expect(concurrent).toEqual(sequential);
    await page.close();
  });

  it('restarts a crashed worker once, then reports a clear error the page can fall back on', async () => {
    const { page } = await readyProbe();
    await page.evaluate(() => window.engineProbe.simulateCrash());
    const afterRestart = await page.evaluate(() => window.engineProbe.rank({ text: 'yoga mat', k: 3 }));
    expect(afterRestart.items).toHaveLength(3);
    expect(await page.evaluate(() => window.engineProbe.restarts())).toBe(1);
    await page.evaluate(() => window.engineProbe.simulateCrash());
    await expect(page.evaluate(() => window.engineProbe.rank({ text: 'yoga mat', k: 3 }))).rejects.toThrow(/crashed again after a restart/);
    await page.close();
  });
});
