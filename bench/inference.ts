/**
 * npm run bench:inference — the inference worker in Debian Chromium, per backend:
 * query → intent + top-20 over a 10,000-item catalogue, item → top-20, cold and warm
 * start, and main-thread long tasks. Writes bench/results/inference.json.
 *
 * The 10,000 rows are the 411 demo items' real embeddings, each repeated with Gaussian
 * noise and re-normalised: ranking cost depends only on the matrix size, and the demo
 * catalogue's intent head is reused. Everything is served by the real server from a
 * temporary models folder that links to the exported model.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { itemVector, parseItemMatrix, quantizeRows } from '../src/core/item-matrix.ts';
import { parseManifest } from '../src/core/manifest.ts';
import { publishItemMatrix } from '../src/server/catalog-index.ts';
import type { EngineProbe } from '../src/widget/demo/engine-probe.ts';
import type { ScoringProbe } from '../src/widget/demo/matmul-probe.ts';
import { launchChromium, type Browser } from '../tests/support/chromium.ts';
import { currentManifest, linkedModelsCopy, loadGolden, repoRoot, versionDir } from '../tests/support/models.ts';
import { startServer } from '../tests/support/server.ts';

declare const window: { engineProbe: EngineProbe; scoringProbe: ScoringProbe; longTasks: number[] };

const ROWS = 10_000;
const K = 20;
const memoryCalls = Number(process.env.BENCH_MEMORY_CALLS ?? 10_000);

function build10k(): { dir: string } {
  const manifest = currentManifest();
  const demo = manifest.catalogs.find((c) => c.name === 'demo');
  if (!demo?.intent_head) throw new Error('run npm run setup first: the demo catalogue and its intent head are missing');
  const { dir, version } = linkedModelsCopy(() => true);
  const base = parseItemMatrix(readFileSync(join(versionDir(manifest), demo.items)).buffer as ArrayBuffer);
  let seed = 12345;
  const gaussian = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const u = (seed + 1) / 2 ** 32;
    seed = (seed * 1103515245 + 12345) >>> 0;
    const v = (seed + 1) / 2 ** 32;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const dims = base.dims;
  const flat = new Float32Array(ROWS * dims);
  for (let r = 0; r < ROWS; r++) {
    const source = itemVector(base, r % base.rows);
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      const x = source[d]! + (r < base.rows ? 0 : 0.5 * gaussian() / Math.sqrt(dims));
      flat[r * dims + d] = x;
      norm += x * x;
    }
    for (let d = 0; d < dims; d++) flat[r * dims + d]! /= Math.sqrt(norm);
  }
  const ids = Array.from({ length: ROWS }, (_, r) => `bench-${String(r).padStart(5, '0')}`);
  publishItemMatrix(dir, 'bench10k', ids, quantizeRows(flat, dims), 'b'.repeat(64));
  // Reuse the demo catalogue's intent head for the benchmark catalogue.
  const manifestPath = join(dir, version, 'manifest.json');
  const published = parseManifest(JSON.parse(readFileSync(manifestPath, 'utf8')));
  published.catalogs = published.catalogs.map((c) => (c.name === 'bench10k' ? { ...c, intent_head: demo.intent_head } : c));
  writeFileSync(manifestPath, JSON.stringify(published));
  return { dir };
}

const queries = loadGolden().cases.map((c) => c.text).filter((t) => t.trim() !== '' && t.length <= 60);

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => +sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2);
  return { p50: at(0.5), p95: at(0.95) };
}

async function openProbe(browser: Browser, origin: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${origin}/engine-probe.html`);
  await page.waitForSelector('body[data-probe-ready="true"]');
  return page;
}

/** Milliseconds from navigation start until the engine is ready with the catalogue. */
async function startUp(page: Page, backend: 'wasm' | 'webgpu') {
  return page.evaluate(async (b) => {
    const info = await window.engineProbe.init({ backend: b, catalog: 'bench10k' });
    return { info, at: performance.now() };
  }, backend);
}

function rendererRssMb(): number {
  const out = execFileSync('ps', ['-eo', 'rss=,args='], { encoding: 'utf8' });
  return Math.round(out.split('\n').filter((l) => l.includes('chromium') && l.includes('--type=renderer')).reduce((sum, l) => sum + Number(l.trim().split(/\s+/)[0]), 0) / 1024);
}

async function run(mode: 'wasm1' | 'wasm2' | 'webgpu', modelsDir: string) {
  const server = await startServer({ modelsDir, crossOriginIsolated: mode === 'wasm2' });
  const browser = await launchChromium();
  try {
    const backend = mode === 'webgpu' ? 'webgpu' : 'wasm';
    const coldPage = await openProbe(browser, server.origin);
    const cold = await startUp(coldPage, backend);
    await coldPage.close();
    const page = await openProbe(browser, server.origin);
    const warm = await startUp(page, backend);
    if (warm.info.assets.fromNetwork !== 0) throw new Error(`warm start fetched ${warm.info.assets.fromNetwork} files`);
    const sample = mode === 'webgpu' ? queries.slice(0, 8) : queries;
    const queryMs = await page.evaluate(async ({ texts, k }) => {
      const out: number[] = [];
      for (const text of texts.slice(0, 3)) await window.engineProbe.rank({ text, k }); // warm-up
      for (const text of texts) {
        const t = performance.now();
        const result = await window.engineProbe.rank({ text, k });
        if (result.items.length !== k || !result.intents) throw new Error('rank returned no items or no intents');
        out.push(performance.now() - t);
      }
      return out;
    }, { texts: sample, k: K });
    const rankMs = await page.evaluate(async ({ k }) => {
      const out: number[] = [];
      for (let i = 0; i < 200; i++) {
        const t = performance.now();
        await window.engineProbe.rank({ itemId: `bench-${String(i * 37).padStart(5, '0')}`, k });
        out.push(performance.now() - t);
      }
      return out;
    }, { k: K });
    let memory: { calls: number; renderer_rss_mb: number[] } | undefined;
    if (mode === 'wasm1' && memoryCalls > 0) {
      const samples = [rendererRssMb()];
      for (let done = 0; done < memoryCalls; done += 1000) {
        await page.evaluate(async ({ texts, n }) => {
          for (let i = 0; i < n; i++) await window.engineProbe.rank({ text: `${texts[i % texts.length]} ${i}`, k: 20 });
        }, { texts: queries, n: Math.min(1000, memoryCalls - done) });
        samples.push(rendererRssMb());
      }
      memory = { calls: memoryCalls, renderer_rss_mb: samples };
    }
    const longTasks = await page.evaluate(() => window.longTasks.filter((d) => d > 50).length);
    const query = stats(queryMs);
    return {
      backend: warm.info.backend,
      reason: warm.info.reason,
      threads: warm.info.threads,
      model: warm.info.dtype,
      queries: queryMs.length,
      query_p50_ms: query.p50,
      query_p95_ms: query.p95,
      rank10k_p50_ms: stats(rankMs).p50,
      cold_start_ms: Math.round(cold.at),
      warm_start_ms: Math.round(warm.at),
      main_thread_long_tasks: longTasks,
      ...(memory ? { memory } : {}),
    };
  } finally {
    await browser.close();
    await server.app.close();
  }
}

/** The worker's typed-array loop against an onnxruntime-web MatMul on the same 10k matrix. */
async function scoringComparison(modelsDir: string) {
  const manifest = currentManifest();
  const published = parseManifest(JSON.parse(readFileSync(join(modelsDir, manifest.version, 'manifest.json'), 'utf8')));
  const items = published.catalogs.find((c) => c.name === 'bench10k')!.items;
  const graph = join(mkdtempSync(join(tmpdir(), 'privet-scoring-')), 'scoring.onnx');
  execFileSync(join(repoRoot, '.venv/bin/python'), [join(repoRoot, 'bench/scoring_graph.py'), join(modelsDir, manifest.version, items), graph]);
  const server = await startServer({ modelsDir });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.route('**/bench-scoring.onnx', (route) => route.fulfill({ body: readFileSync(graph), contentType: 'application/octet-stream' }));
    await page.goto(`${server.origin}/matmul-probe.html`);
    await page.waitForSelector('body[data-probe-ready="true"]');
    await page.evaluate(([m, g]) => window.scoringProbe.load(m, g), [`/models/${manifest.version}/${items}`, '/bench-scoring.onnx'] as const);
    await page.evaluate(() => window.scoringProbe.time(10)); // warm-up
    const timing = await page.evaluate(() => window.scoringProbe.time(200));
    return { loop_p50_ms: stats(timing.loop).p50, matmul_p50_ms: stats(timing.matmul).p50, max_score_diff: +timing.maxDiff.toExponential(2) };
  } finally {
    await browser.close();
    await server.app.close();
  }
}

const { dir } = build10k();
const scoring = await scoringComparison(dir);
console.error(`scoring: ${JSON.stringify(scoring)}`);
const results: Record<string, Awaited<ReturnType<typeof run>>> = {};
for (const mode of ['wasm1', 'wasm2', 'webgpu'] as const) {
  if (process.env.BENCH_ONLY_SCORING) break;
  results[mode] = await run(mode, dir);
  console.error(`${mode} done`);
}
const report = {
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Chromium (Debian), Node ${process.version}`,
  command: 'npm run bench:inference',
  catalogue_rows: ROWS,
  k: K,
  scoring_10k_one_thread: scoring,
  ...results,
};
writeFileSync(join(repoRoot, 'bench/results/inference.json'), JSON.stringify(report, null, 2) + '\n');
console.log(`inference engine, ${ROWS} items, top-${K} (${report.machine})`);
console.log('mode     backend  thr  query p50  query p95  rank10k p50  cold ms  warm ms  long tasks');
for (const [mode, r] of Object.entries(results)) {
  console.log(
    `${mode.padEnd(8)} ${r.backend.padEnd(8)} ${String(r.threads).padStart(3)}  ${String(r.query_p50_ms).padStart(9)}  ${String(r.query_p95_ms).padStart(9)}  ${String(r.rank10k_p50_ms).padStart(11)}  ${String(r.cold_start_ms).padStart(7)}  ${String(r.warm_start_ms).padStart(7)}  ${String(r.main_thread_long_tasks).padStart(10)}`,
  );
}
console.log(`scoring 10k rows on one thread: typed-array loop p50 ${scoring.loop_p50_ms} ms, ORT MatMul p50 ${scoring.matmul_p50_ms} ms`);
if (results.wasm1?.memory) console.log(`renderer RSS (MB) every 1,000 calls: ${results.wasm1.memory.renderer_rss_mb.join(' ')}`);
