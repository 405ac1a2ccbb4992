/**
 * npm run bench:training-job [-- --time-budget-s 1500 --device cpu] — a training job the way a
 * merchant runs one: the real server (src/server/main.ts) on a copy of models/ (hard links,
 * the repository's models are not changed; `--models-from DIR` starts from another folder's
 * current version instead), `POST /v1/training-jobs` for the demo catalogue,
 * progress polled from `GET /v1/training-jobs/:id` until the job ends, then what the server
 * serves: `GET /v1/models` and `GET /v1/manifest`. The job publishes only if the candidate does
 * not regress on the offline benchmark (trainer/version_benchmark.py); either way this prints
 * and writes (bench/results/training-job.json) the job's record: steps, samples/s, stage
 * times, the gate's metrics for candidate and baseline, and the version served afterwards
 * with its stated (ε, δ).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ModelManifest } from '../src/core/manifest.ts';
import type { TrainingJob } from '../src/server/training-jobs.ts';
import { freePort } from '../tests/support/free-port.ts';
import { repoRoot } from '../tests/support/models.ts';
import { BENCH_MERCHANT_KEY, linkCurrentVersion, merchantCall, startBenchServer } from './server-process.ts';

const { values } = parseArgs({
  options: {
    'time-budget-s': { type: 'string', default: '1500' },
    'max-steps': { type: 'string' },
    device: { type: 'string', default: 'auto' },
    /** Another models folder to start from (its current version), e.g. the one sim:federated-server left with its published rankers. */
    'models-from': { type: 'string' },
    out: { type: 'string', default: join(repoRoot, 'bench/results/training-job.json') },
  },
});
const CATALOG = 'demo';


const workDir = mkdtempSync(join(tmpdir(), 'privet-training-job-'));
const modelsDir = join(workDir, 'models');
const base = linkCurrentVersion(modelsDir, values['models-from'] && resolve(values['models-from']));
const dataDir = join(workDir, 'data');
mkdirSync(dataDir);
const server = await startBenchServer({ port: await freePort(), dataDir, merchant: CATALOG, env: { PRIVET_MODELS_DIR: modelsDir, LOG_LEVEL: 'warn' } });
try {
  const started = performance.now();
  const body = { timeBudgetS: Number(values['time-budget-s']), device: values.device, ...(values['max-steps'] && { maxSteps: Number(values['max-steps']) }) };
  const { jobId } = await merchantCall<{ jobId: string }>(server.base, '/v1/training-jobs', body, 202);
  let job: TrainingJob;
  let last = '';
  for (;;) {
    job = (await (await fetch(`${server.base}/v1/training-jobs/${jobId}`, { headers: { Authorization: `Bearer ${BENCH_MERCHANT_KEY}` } })).json()) as TrainingJob;
    const line = `${job.state} ${job.progress.stage ?? ''} ${job.progress.step ?? ''}/${job.progress.of ?? ''}`;
    if (line !== last) console.log(`${Math.round((performance.now() - started) / 1000)} s: ${line}${job.progress.samplesPerS ? ` (${job.progress.samplesPerS} samples/s)` : ''}`);
    last = line;
    if (!['running', 'stopping', 'publishing'].includes(job.state)) break;
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
  const models = (await (await fetch(`${server.base}/v1/models`, { headers: { Authorization: `Bearer ${BENCH_MERCHANT_KEY}` } })).json()) as unknown;
  const served = (await (await fetch(`${server.base}/v1/manifest`)).json()) as ModelManifest;
  // Published: under its name; kept out: where the server set it aside; failed early: nowhere.
  const candidateDir = job.state === 'published' ? join(modelsDir, job.candidate) : job.result?.setAsideTo ?? null;
  const candidate = candidateDir ? (JSON.parse(readFileSync(join(candidateDir, 'manifest.json'), 'utf8')) as ModelManifest) : null;
  const summary = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    command: `npm run bench:training-job -- --time-budget-s ${values['time-budget-s']} --device ${values.device}${values['max-steps'] ? ` --max-steps ${values['max-steps']}` : ''}${values['models-from'] ? ` --models-from ${values['models-from']}` : ''}`,
    base,
    job: { state: job.state, candidate: job.candidate, summary: job.result?.summary ?? job.error, training: candidate?.metrics.training ?? null, evaluation: candidate?.metrics.evaluation ?? null },
    served: { version: served.version, dp: served.dp },
    models,
    seconds: Math.round((performance.now() - started) / 1000),
  };
  console.log(job.result?.summary ?? job.error);
  console.log(`served now: ${served.version}, dp ${JSON.stringify(served.dp)}`);
  writeFileSync(values.out, JSON.stringify(summary, null, 2) + '\n');
  if (!job.result) process.exitCode = 1;
} finally {
  await server.stop();
  console.log(`work folder: ${workDir}`);
}
