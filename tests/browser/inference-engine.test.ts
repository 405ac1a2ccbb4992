/** The inference worker's contract: backend choice and fallback, cached verified assets, ranking. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { MODEL_CACHE } from '../../src/widget/model-assets.ts';
import type { EngineProbe } from '../../src/widget/demo/engine-probe.ts';
import { useServerAndChromium } from '../support/browser-session.ts';
import { currentManifest } from '../support/models.ts';

declare const window: { engineProbe: EngineProbe };

const manifest = currentManifest();

async function openProbe(session: ReturnType<typeof useServerAndChromium>): Promise<{ page: Page; modelRequests: string[] }> {
  const page = await session.browser.context.newPage();
  const modelRequests: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/models/')) modelRequests.push(request.url());
  });
  await page.goto(`${session.server.origin}/engine-probe.html`);
  await page.waitForSelector('body[data-probe-ready="true"]');
  return { page, modelRequests };
}

describe('with a software WebGPU adapter', () => {
  const session = useServerAndChromium();

  it('auto picks WASM over a software adapter and says why', async () => {
    const { page } = await openProbe(session);
    const info = await page.evaluate(() => window.engineProbe.init({ backend: 'auto', catalog: 'demo' }));
    expect(info).toMatchObject({ backend: 'wasm', dtype: 'int8', threads: 1, catalog: { name: 'demo', rows: 411, intents: manifest.intents.length - 4 } });
    expect(info.reason).toMatch(/software fallback/);
    await page.close();
  });

  it('caches verified files by version: a second page load requests no model file, and other versions are evicted', async () => {
    const first = await openProbe(session);
    await first.page.evaluate((name) => caches.delete(name), MODEL_CACHE); // earlier tests share this profile
    const cold = await first.page.evaluate(() => window.engineProbe.init({ catalog: 'demo' }));
    expect(cold.assets.fromNetwork).toBeGreaterThanOrEqual(5);
    expect(first.modelRequests.length).toBe(cold.assets.fromNetwork);
    // A file of an older version, as a previous deploy would have left it.
    const stale = `${session.server.origin}/models/old-version/encoder.int8.onnx`;
    await first.page.evaluate(async ([name, url]) => (await caches.open(name)).put(url, new Response('old')), [MODEL_CACHE, stale] as const);
    await first.page.close();

    const second = await openProbe(session);
    const warm = await second.page.evaluate(() => window.engineProbe.init({ catalog: 'demo' }));
    expect(warm.assets).toEqual({ fromNetwork: 0, fromCache: cold.assets.fromNetwork, evicted: 1 });
    expect(second.modelRequests).toEqual([]);
    const keys = await second.page.evaluate(async (name) => (await (await caches.open(name)).keys()).map((r) => r.url), MODEL_CACHE);
    const modelFiles = keys.filter((url) => url.includes('/models/'));
    expect(modelFiles.length).toBe(cold.assets.fromNetwork);
    expect(modelFiles.every((url) => url.includes(`/models/${manifest.version}/`))).toBe(true);
    // Besides the model files, only the last good manifest (for when the server is down).
    expect(keys.filter((url) => !url.includes('/models/'))).toEqual([`${session.server.origin}/v1/manifest`]);
    await second.page.close();
  });

  it('re-downloads a cached file whose bytes no longer match the manifest', async () => {
    const { page } = await openProbe(session);
    await page.evaluate(() => window.engineProbe.init({}));
    const url = `${session.server.origin}/models/${manifest.version}/tokenizer_config.json`;
    await page.evaluate(async ([name, u]) => (await caches.open(name)).put(u, new Response('{"tampered": true}')), [MODEL_CACHE, url] as const);
    const info = await page.evaluate(() => window.engineProbe.init({}));
    expect(info.assets.fromNetwork).toBe(1);
    await page.close();
  });

  it('ranks the whole catalogue for a query and for an item, excluding what it is told to', async () => {
    const { page } = await openProbe(session);
    await page.evaluate(() => window.engineProbe.init({ catalog: 'demo' }));
    const byText = await page.evaluate(() => window.engineProbe.rank({ text: 'cast iron skillet', k: 20 }));
    expect(byText.items).toHaveLength(20);
    expect(byText.items.map((i) => i.score)).toEqual([...byText.items.map((i) => i.score)].sort((a, b) => b - a));
    const top = byText.items[0]!.id;
    const byItem = await page.evaluate((id) => window.engineProbe.rank({ itemId: id, k: 5, excludeIds: [id] }), top);
    expect(byItem.items.map((i) => i.id)).not.toContain(top);
    await expect(page.evaluate(() => window.engineProbe.rank({ k: 5 }))).rejects.toThrow(/exactly one of text or itemId/);
    const intents = await page.evaluate(() => window.engineProbe.intent('cheap yoga mat'));
    expect(intents.categories[0]!.name).toMatch(/^Yoga & Fitness/);
    expect(intents.behaviours[0]).toMatchObject({ name: 'deal' });
    expect(intents.categories.reduce((sum, c) => sum + c.probability, 0)).toBeLessThanOrEqual(1 + 1e-9);
    await page.close();
  });
});

describe('without any WebGPU adapter', () => {
  const session = useServerAndChromium({ webgpu: false });

  it('falls back to WASM when WebGPU is requested but unavailable, without an error', async () => {
    const { page } = await openProbe(session);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const info = await page.evaluate(() => window.engineProbe.init({ backend: 'webgpu' }));
    expect(info.backend).toBe('wasm');
    expect(info.reason).toMatch(/no WebGPU adapter|no WebGPU/);
    const [vector] = await page.evaluate(() => window.engineProbe.embed(['still works']));
    expect(vector).toHaveLength(384);
    expect(errors).toEqual([]);
    await page.close();
  });
});
