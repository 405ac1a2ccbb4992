/**
 * npm run sim:federated-server [-- --rounds 10 --q 0.025 --epsilon 8 --clip 2 --dropout 0.05]
 *
 * The federated simulation with the real server in the loop: what `npm run sim:federated`
 * computes in one Python process, done here by the server a merchant runs (src/server/main.ts
 * in its own process, SQLite round log) and by clients speaking its HTTP round API, so the
 * published ranker is the product of the server's own code: SecAgg+ unmasking, the norm check,
 * Gaussian noise from node:crypto, FedAdam, the ε ledger and the manifest.
 *
 * Every shopper of Amazon Scientific's train split is a client holding their own train items
 * (research data, read from ../shared/datasets; nothing of it is written to the repository).
 * Each round the merchant opens a round on the `scientific` catalogue; each client joins with
 * probability q (Poisson, as browsers sample themselves); a joining client fetches the current
 * manifest, ranker and item matrix over HTTP as a browser does, computes its local update with
 * the browser's code (src/core/federated-update.ts: its latest 20 rows, 3 steps), clips and
 * encodes it and runs SecAgg+ (src/client, WebCrypto). A share of them (--dropout) stop after
 * sharing keys; the server recovers their masks. z is the noise the RDP accountant gives for ε
 * over the planned rounds at δ 1e-6; the merchant's budget is that ε, so the server itself
 * refuses a round past it.
 *
 * After the last round, the ranker the rounds started from and the one the server published
 * are scored on Scientific's test and valid splits by trainer.federated.score_rankers (full
 * ranking, the browser's features), beside the Python simulation run with the same settings.
 * Writes bench/results/federated-server.json. Works on a copy of models/ (hard links): the
 * repository's models are not changed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { HttpRoundClient } from '../src/client/round-http-client.ts';
import { noiseForBudget } from '../src/core/dp-accountant.ts';
import { federatedLength } from '../src/core/federated-parameters.ts';
import { localUpdate, MAX_CONTRIBUTION_ROWS, trainingRows } from '../src/core/federated-update.ts';
import { encodeUpdate } from '../src/core/fixed-point.ts';
import { parseItemMatrix, type ItemMatrix } from '../src/core/item-matrix.ts';
import type { DpGuarantee, ManifestCatalog, ModelManifest } from '../src/core/manifest.ts';
import { parseRanker, type RankerWeights } from '../src/core/ranker.ts';
import type { RoundPlan } from '../src/core/round-plan.ts';
import { mulberry32 } from '../src/core/seeded-random.ts';
import { freePort } from '../tests/support/free-port.ts';
import { repoRoot } from '../tests/support/models.ts';
import { itemIds, readSplit } from './recbole.ts';
import { BENCH_MERCHANT_KEY, inBatches, linkCurrentVersion, merchantCall, startBenchServer } from './server-process.ts';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string', default: join(process.env.PRIVET_DATASETS ?? join(repoRoot, '../shared/datasets'), 'amazon_scientific_unisrec') },
    rounds: { type: 'string', default: '10' },
    q: { type: 'string', default: '0.025' },
    epsilon: { type: 'string', default: '8' },
    clip: { type: 'string', default: '2' },
    dropout: { type: 'string', default: '0.05' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: join(repoRoot, 'bench/results/federated-server.json') },
  },
});
const ROUNDS = Number(values.rounds);
const Q = Number(values.q);
const EPSILON = Number(values.epsilon);
const CLIP = Number(values.clip);
const DROPOUT = Number(values.dropout);
const DELTA = 1e-6;
const CATALOG = 'scientific';
const BATCH = 50;
for (const [name, value, ok] of [['rounds', ROUNDS, Number.isInteger(ROUNDS) && ROUNDS >= 1], ['q', Q, Q > 0 && Q <= 1], ['epsilon', EPSILON, EPSILON > 0], ['clip', CLIP, CLIP > 0], ['dropout', DROPOUT, DROPOUT >= 0 && DROPOUT < 0.3]] as const) {
  if (!ok) throw new Error(`--${name} ${value} is out of range`);
}

/** Each train shopper's items (dataset item ids, oldest first): their longest train row, history then target. */
function trainSequences(dataset: string): { sequences: string[][]; ids: string[] } {
  if (!existsSync(join(dataset, 'Scientific.train.inter'))) throw new Error(`no Scientific.train.inter in ${dataset}: is the Scientific dataset there? (PRIVET_DATASETS)`);
  const ids = itemIds(dataset);
  const longest = new Map<string, number[]>();
  for (const { user, history, target } of readSplit(dataset, 'train', ids.length)) {
    if (history.length + 1 > (longest.get(user)?.length ?? 0)) longest.set(user, [...history, target]);
  }
  return { sequences: [...longest.values()].map((items) => items.map((i) => ids[i]!)), ids };
}

interface Served {
  version: string;
  catalog: ManifestCatalog;
  rankerText: string;
  ranker: RankerWeights;
}

/** What a browser loads: the manifest, the catalogue's ranker (and, once, its ids and item matrix). */
async function loadServed(base: string): Promise<Served> {
  const manifest = (await (await fetch(`${base}/v1/manifest`)).json()) as ModelManifest;
  const catalog = manifest.catalogs.find((c) => c.name === CATALOG);
  if (!catalog?.ranker) throw new Error(`the current version ${manifest.version} has no ${CATALOG} ranker: run npm run setup with the Scientific dataset present`);
  const rankerText = await (await fetch(`${base}/models/${manifest.version}/${catalog.ranker}`)).text();
  return { version: manifest.version, catalog, rankerText, ranker: parseRanker(JSON.parse(rankerText)) };
}

interface RoundRun {
  round: number;
  roundId: string;
  sampled: number;
  droppedOut: number;
  survivors: number;
  localUpdateMsMean: number;
  seconds: number;
}

/** A round and what the server published after it. */
interface RoundResult extends RoundRun {
  ranker: string;
  dp: DpGuarantee | null;
}

async function runRound(base: string, round: number, served: Served, matrix: ItemMatrix, rowsOf: number[][], z: number, expectedCohort: number, random: () => number): Promise<RoundRun> {
  const started = performance.now();
  const opened = await merchantCall<{ roundId: string; length: number; plan: RoundPlan }>(base, '/v1/rounds', {
    catalog: CATALOG, privacy: { sampleRate: Q, noiseMultiplier: z, clipNorm: CLIP }, expectedCohort,
    maxClients: Math.ceil(expectedCohort * 2), checkInSeconds: 3600, tolerance: { dropout: 0.3, collusion: 0 },
  });
  const { roundId, length, plan } = opened;
  if (length !== federatedLength(served.ranker)) throw new Error(`round length ${length} is not the served ranker's ${federatedLength(served.ranker)}`);
  const cohort = rowsOf.filter(() => random() < Q).slice(0, plan.maxClients);
  let updateMs = 0;
  const inputs = cohort.map((rows) => {
    const t = performance.now();
    const rowsOfClient = trainingRows(rows, served.ranker.maxHistory, MAX_CONTRIBUTION_ROWS);
    const update = localUpdate(served.ranker, matrix, rowsOfClient);
    updateMs += performance.now() - t;
    return encodeUpdate(update, { length, clip: CLIP, scale: plan.fixedPointScale });
  });
  const clients = await inBatches(cohort.map((_, i) => i), BATCH, () => HttpRoundClient.join(base, roundId));
  const advance = () => merchantCall<{ phase: string; abortReason: string; survivors?: number }>(base, `/v1/rounds/${roundId}/advance`);
  await advance();
  await inBatches(clients, BATCH, async (c) => c.send('share-keys', await c.client.shareKeys(await c.reply('roster'))));
  await advance();
  // The dropouts: shared their keys, then left before uploading (the server unmasks without them).
  const stay = clients.map(() => random() >= DROPOUT);
  const staying = clients.filter((_, i) => stay[i]);
  await inBatches(clients.map((c, i) => ({ c, input: inputs[i]! })).filter((_, i) => stay[i]), BATCH,
    async ({ c, input }) => c.send('masked-input', await c.client.maskInput(await c.reply('inbox'), input)));
  await advance();
  await inBatches(staying, BATCH, async (c) => c.send('unmask', c.client.unmask(await c.reply('unmask-request'))));
  const finished = await advance();
  if (finished.phase !== 'finished') throw new Error(`round ${roundId} ended ${finished.phase}: ${finished.abortReason}`);
  return {
    round, roundId, sampled: cohort.length, droppedOut: clients.length - staying.length, survivors: finished.survivors ?? 0,
    localUpdateMsMean: Math.round(updateMs / Math.max(1, cohort.length)), seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

const { sequences, ids: datasetIds } = trainSequences(values.dataset);
const workDir = mkdtempSync(join(tmpdir(), 'privet-federated-server-'));
const modelsDir = join(workDir, 'models');
// The server publishes into this copy, not into models/.
linkCurrentVersion(modelsDir);
const dataDir = join(workDir, 'data');
mkdirSync(dataDir);
const z = noiseForBudget(Q, ROUNDS, EPSILON, DELTA);
const server = await startBenchServer({ port: await freePort(), dataDir, catalogs: [CATALOG], env: { PRIVET_MODELS_DIR: modelsDir, PRIVET_EPSILON_BUDGET: String(EPSILON), LOG_LEVEL: 'warn' } });
const started = performance.now();
try {
  const first = await loadServed(server.base);
  const ids = (await (await fetch(`${server.base}/models/${first.version}/${first.catalog.ids}`)).json()) as string[];
  const matrix = parseItemMatrix(await (await fetch(`${server.base}/models/${first.version}/${first.catalog.items}`)).arrayBuffer());
  const rowOf = new Map(ids.map((id, row) => [id, row]));
  // Items the catalogue does not hold are skipped, as a browser skips events of removed products.
  const rowsOf = sequences.map((items) => items.flatMap((id) => rowOf.get(id) ?? [])).filter((rows) => rows.length >= 2);
  console.log(`Scientific: ${rowsOf.length} clients of ${sequences.length} shoppers (${datasetIds.length} items); q ${Q}, ${ROUNDS} rounds, ε ${EPSILON} at δ ${DELTA}: z ${z.toFixed(3)}, C ${CLIP}`);
  // Seeded, so the same --seed samples the same cohorts and dropouts.
  const random = mulberry32(Number(values.seed));
  const expectedCohort = Q * rowsOf.length;
  writeFileSync(join(workDir, 'start.json'), first.rankerText);
  const rounds: RoundResult[] = [];
  let served = first;
  for (let round = 1; round <= ROUNDS; round++) {
    const result = await runRound(server.base, round, served, matrix, rowsOf, z, expectedCohort, random);
    // The server folds the round in before answering the last advance, then re-verifies the
    // version's files before serving it (model-registry.ts makeCurrent): poll the manifest.
    const before = served.catalog.ranker;
    for (let waited = 0; (served = await loadServed(server.base)).catalog.ranker === before; waited += 250) {
      if (waited > 60_000) throw new Error(`round ${result.roundId}: no new ranker served a minute after it completed`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    rounds.push({ ...result, ranker: served.catalog.ranker!, dp: served.catalog.dp ?? null });
    console.log(`round ${round}: ${result.sampled} sampled, ${result.droppedOut} dropped out, ${result.survivors} summed; local update ${result.localUpdateMsMean} ms mean; ${result.seconds} s; published ${served.catalog.ranker} at ε ${served.catalog.dp?.epsilon.toFixed(3)}`);
  }
  const serverSeconds = Math.round((performance.now() - started) / 100) / 10;
  // One round past the planned ones is past the budget: the server must refuse it.
  const refused = await fetch(`${server.base}/v1/rounds`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${BENCH_MERCHANT_KEY}` },
    body: JSON.stringify({ catalog: CATALOG, privacy: { sampleRate: Q, noiseMultiplier: z, clipNorm: CLIP }, expectedCohort }),
  });
  writeFileSync(join(workDir, 'final.json'), served.rankerText);
  console.log('scoring the start and the published ranker on Scientific (trainer.federated.score_rankers)…');
  const scored = JSON.parse(execFileSync(join(repoRoot, '.venv/bin/python'), [
    '-m', 'trainer.federated.score_rankers', '--dataset', resolve(values.dataset),
    '--ranker', `start=${join(workDir, 'start.json')}`, '--ranker', `server=${join(workDir, 'final.json')}`,
    '--reference', `${Q},${ROUNDS},${EPSILON},${CLIP}`,
  ], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 })) as { scores: Record<string, { test: Record<string, number>; valid: Record<string, number> }> };
  const final = rounds.at(-1)!;
  const summary = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, CPU only`,
    command: `npm run sim:federated-server -- --rounds ${ROUNDS} --q ${Q} --epsilon ${EPSILON} --clip ${CLIP} --dropout ${DROPOUT} --seed ${values.seed}`,
    dataset: 'Scientific',
    clients: rowsOf.length,
    settings: { q: Q, rounds: ROUNDS, epsilonTarget: EPSILON, delta: DELTA, z, clip: CLIP, dropout: DROPOUT, expectedCohort, localRows: MAX_CONTRIBUTION_ROWS },
    published: { version: served.version, ranker: final.ranker, dp: final.dp },
    roundPastBudget: { status: refused.status, error: refused.status === 201 ? null : ((await refused.json()) as { error: string }).error },
    scores: scored.scores,
    rounds,
    serverSeconds,
  };
  const table = Object.fromEntries(Object.entries(scored.scores).map(([name, s]) => [name, { 'test ndcg@10': s.test['ndcg@10']!.toFixed(4), 'test recall@10': s.test['recall@10']!.toFixed(4), 'valid ndcg@10': s.valid['ndcg@10']!.toFixed(4) }]));
  console.table(table);
  console.log(`published ${final.ranker} with (ε ${final.dp?.epsilon.toFixed(3)}, δ ${final.dp?.delta}) over ${final.dp?.rounds} rounds; a round past the budget: ${refused.status}`);
  writeFileSync(values.out, JSON.stringify(summary, null, 2) + '\n');
  if (refused.status !== 403) process.exitCode = 1;
} finally {
  await server.stop();
  if (existsSync(workDir)) console.log(`work folder (models copy, round log): ${workDir}`);
}
