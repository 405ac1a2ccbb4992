/** onnxruntime-web in headless Chromium reproduces the PyTorch golden embeddings. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { EngineProbe } from '../../src/widget/demo/engine-probe.ts';
import { useServerAndChromium } from '../support/browser-session.ts';
import { loadGolden, maxAbsDiff } from '../support/models.ts';

declare const window: { engineProbe: EngineProbe };

const golden = loadGolden();
const session = useServerAndChromium();

async function openProbe(): Promise<{ page: Page; requests: string[] }> {
  const page = await session.browser.context.newPage();
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(`${session.server.origin}/engine-probe.html`);
  await page.waitForSelector('body[data-probe-ready="true"]');
  return { page, requests };
}

/**
 * Every golden string on WASM. WebGPU here is SwiftShader, a software adapter about a
 * hundred times slower (seconds per text), so it gets one string of each kind instead.
 */
const everyKind: ((text: string) => boolean)[] = [
  (t) => t === '',
  (t) => t.trim() === '' && t.length > 1,
  (t) => t.length === 2000,
  (t) => t.startsWith('gift gift'),
  (t) => /[\u4e00-\u9fff]/.test(t),
  (t) => /[\uac00-\ud7af]/.test(t),
  (t) => /\p{Extended_Pictographic}/u.test(t),
  (t) => /[éüñ]/.test(t),
  (t) => /[Ａ-Ｚ]/.test(t),
  (t) => t.startsWith('gift for a chemistry teacher'),
  (t) => t.startsWith('Stainless Steel'),
];
const webgpuCases = everyKind.map((matches) => golden.cases.find((c) => matches(c.text))!);

const suites = [
  { backend: 'wasm', cases: golden.cases, timeout: 120_000 },
  { backend: 'webgpu', cases: webgpuCases, timeout: 300_000 },
] as const;

describe.each(suites)('onnxruntime-web, $backend execution provider', ({ backend, cases, timeout }) => {
  it('reproduces the fp32 golden embeddings within 1e-4 per component', { timeout }, async () => {
    expect(cases.every(Boolean)).toBe(true);
    const { page, requests } = await openProbe();
    if (backend === 'webgpu') {
      const adapter = await page.evaluate(async () => Boolean(await (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()));
      expect(adapter, 'Chromium needs --enable-unsafe-webgpu for a software adapter').toBe(true);
    }
    const info = await page.evaluate((b) => window.engineProbe.init({ backend: b, dtype: 'fp32' }), backend);
    expect(info).toMatchObject({ backend, dtype: 'fp32', dims: golden.dims, threads: backend === 'wasm' ? 1 : 0 });
    // One call per text on WebGPU: a shared batch would pad every text to the longest.
    const groups = backend === 'webgpu' ? cases.map((c) => [c.text]) : [cases.map((c) => c.text)];
    const vectors: number[][] = [];
    for (const texts of groups) vectors.push(...(await page.evaluate((t) => window.engineProbe.embed(t), texts)));
    const diffs = vectors.map((v, i) => maxAbsDiff(v, cases[i]!.embedding));
    const worst = diffs.indexOf(Math.max(...diffs));
    expect(diffs[worst], `worst: ${JSON.stringify(cases[worst]!.text.slice(0, 40))}`).toBeLessThan(1e-4);
    expect(requests.every((url) => new URL(url).origin === session.server.origin)).toBe(true);
    await page.close();
  });
});
