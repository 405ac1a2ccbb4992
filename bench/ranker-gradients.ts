/**
 * npm run bench:ranker — the cost of the hand-derived ranker maths (src/core/ranker.ts) in
 * Node: one shopper's forward pass, forward + every gradient (shared parameters and δ), and
 * the loss and personal-offset gradient alone (what on-device adaptation computes per local
 * event), at Scientific's 4,385 items and at 10,000, with the ranker's real shape
 * (64 × 384 projection, 50 history slots). Also the minified size of the module, against
 * the smallest autodiff library we would otherwise ship (tfjs-core, figures from its npm
 * tarball, without any backend). Writes bench/results/ranker-gradients.json.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { quantizeRows } from '../src/core/item-matrix.ts';
import { personalGradient, rankerForward, rankerGradients, type RankerContext, type RankerWeights } from '../src/core/ranker.ts';
import { repoRoot } from '../tests/support/models.ts';

const DIMS = 384;
const USER_DIMS = 64;
const MAX_HISTORY = 50;
const RUNS = 30;

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

function context(rows: number): RankerContext {
  const random = seeded(rows);
  const vectors = new Float32Array(rows * DIMS).map(random);
  for (let r = 0; r < rows; r++) {
    const row = vectors.subarray(r * DIMS, (r + 1) * DIMS);
    const norm = Math.hypot(...row);
    row.forEach((v, i) => (row[i] = v / norm));
  }
  const popularity = new Float32Array(rows).map(() => Math.floor((random() + 1) * 20));
  return { matrix: quantizeRows(vectors, DIMS), neighbours: null, popularity };
}

const random = seeded(7);
const ranker: RankerWeights = {
  dims: USER_DIMS,
  inputDims: DIMS,
  maxHistory: MAX_HISTORY,
  projection: new Float32Array(USER_DIMS * DIMS).map(() => random() * 0.1),
  attention: new Float32Array(USER_DIMS).map(random),
  recency: new Float32Array(MAX_HISTORY).map((_, age) => -0.7 * age),
  featureWeights: new Float32Array(10).map(random),
  knn: { decay: 0.7, maxHistory: 50 },
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function time(work: () => void): number {
  for (let i = 0; i < 3; i++) work();
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    work();
    runs.push(performance.now() - started);
  }
  return Number(median(runs).toFixed(2));
}

const results = [4385, 10_000].map((rows) => {
  const ctx = context(rows);
  const history = Array.from({ length: 7 }, (_, i) => (i * 613) % rows);
  return {
    rows,
    forward_ms_p50: time(() => rankerForward(ranker, ctx, history)),
    forward_and_gradients_ms_p50: time(() => rankerGradients(ranker, ctx, history, 5, [0.5, 0.5], new Float32Array(USER_DIMS))),
    // What the on-device learner computes per view (src/core/local-adaptation.ts): loss and ∂δ only.
    personal_gradient_ms_p50: time(() => personalGradient(ranker, ctx, history, 5, [1, 0], new Float32Array(USER_DIMS))),
  };
});
const bundle = execFileSync(join(repoRoot, 'node_modules/.bin/esbuild'), ['src/core/ranker.ts', '--bundle', '--minify', '--format=esm', '--log-level=error'], { cwd: repoRoot });
const report = {
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`,
  command: 'npm run bench:ranker',
  shape: { projection: [USER_DIMS, DIMS], max_history: MAX_HISTORY, history: 7 },
  timings: results,
  bundle: {
    ranker_ts_minified_bytes: bundle.byteLength,
    ranker_ts_minified_gzip_bytes: gzipSync(bundle).byteLength,
    // From the published tarball of @tensorflow/tfjs-core 4.22.0 (dist/tf-core.es2017.min.js), no backend included.
    tfjs_core_minified_bytes: 255_317,
  },
};
writeFileSync(join(repoRoot, 'bench/results/ranker-gradients.json'), JSON.stringify(report, null, 2) + '\n');
console.table(results);
console.log(`src/core/ranker.ts bundled and minified: ${report.bundle.ranker_ts_minified_bytes} bytes (${report.bundle.ranker_ts_minified_gzip_bytes} gzip); tfjs-core alone: 255,317 bytes`);
