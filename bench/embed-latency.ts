/**
 * npm run bench:embed — per-query embedding latency of the exported encoder:
 * onnxruntime-node (the server's runtime) and onnxruntime-web WASM single-thread in
 * Debian Chromium (the shopper's floor). Writes bench/results/embed-latency.json.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { loadNodeEncoder } from '../src/server/node-encoder.ts';
import type { EngineProbe } from '../src/widget/demo/engine-probe.ts';
import { launchChromium } from '../tests/support/chromium.ts';
import { currentManifest, loadGolden, repoRoot, versionDir } from '../tests/support/models.ts';
import { startServer } from '../tests/support/server.ts';

declare const window: { engineProbe: EngineProbe };

const WARMUP = 10;
const ROUNDS = 3;

// Short texts of the golden set: the shape of real search-box queries.
const queries = loadGolden().cases.map((c) => c.text).filter((t) => t.trim().length > 0 && t.length <= 60);
const manifest = currentManifest();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summarise(durations: number[]) {
  const sorted = [...durations].sort((a, b) => a - b);
  return { p50_ms: +percentile(sorted, 50).toFixed(2), p95_ms: +percentile(sorted, 95).toFixed(2), n: sorted.length };
}

async function nodeLatency(dtype: 'int8' | 'fp32', threads: number) {
  const encoder = await loadNodeEncoder(versionDir(manifest), manifest, dtype, threads);
  for (const q of queries.slice(0, WARMUP)) await encoder.embed([q]);
  const durations: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of queries) {
      const started = performance.now();
      await encoder.embed([q]);
      durations.push(performance.now() - started);
    }
  }
  return summarise(durations);
}

async function chromiumLatency(dtype: 'int8' | 'fp32') {
  const server = await startServer();
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/engine-probe.html`);
    await page.waitForSelector('body[data-probe-ready="true"]');
    const info = await page.evaluate((d) => window.engineProbe.init({ backend: 'wasm', dtype: d }), dtype);
    await page.evaluate((qs) => window.engineProbe.time(qs), queries.slice(0, WARMUP));
    const durations: number[] = [];
    for (let round = 0; round < ROUNDS; round++) durations.push(...(await page.evaluate((qs) => window.engineProbe.time(qs), queries)));
    return { ...summarise(durations), threads: info.threads, load_ms: Math.round(info.loadMs) };
  } finally {
    await browser.close();
    await server.app.close();
  }
}

const sizes = Object.fromEntries(manifest.files.map((f) => [f.name, f.bytes]));
const results = {
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
  command: 'npm run bench:embed',
  model: manifest.version,
  export_seconds: manifest.metrics.export_seconds ?? null,
  bytes: sizes,
  queries: queries.length,
  node: {
    int8_1thread: await nodeLatency('int8', 1),
    fp32_1thread: await nodeLatency('fp32', 1),
    int8_2threads: await nodeLatency('int8', 2),
  },
  chromium_wasm: {
    int8_1thread: await chromiumLatency('int8'),
    fp32_1thread: await chromiumLatency('fp32'),
  },
};

writeFileSync(join(repoRoot, 'bench/results/embed-latency.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`model ${results.model}  (${results.machine})`);
console.log('runtime                      p50 ms   p95 ms   n');
for (const [runtime, rows] of Object.entries({ node: results.node, chromium_wasm: results.chromium_wasm })) {
  for (const [name, r] of Object.entries(rows)) {
    console.log(`${`${runtime} ${name}`.padEnd(28)} ${String(r.p50_ms).padStart(6)}   ${String(r.p95_ms).padStart(6)}   ${r.n}`);
  }
}
