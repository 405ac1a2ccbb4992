/** `npm run serve`: start the Privet server. Configuration comes from the environment. */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCatalog } from '../core/catalog.ts';
import { buildApp, findDeveloperCatalog } from './app.ts';
import { ModelIntegrityError, StaleBaseError, type ModelRegistry } from './model-registry.ts';
import { currentModelOf, FederatedPublisher } from './federated-publisher.ts';
import { currentVersion } from './current-version.ts';
import { storedFeeds } from './catalog-ingest.ts';
import { MerchantDirectory } from './merchants.ts';
import { loggerOptions } from './request-log.ts';
import { RoundCoordinator } from './round-coordinator.ts';
import type { FederationOptions } from './round-routes.ts';
import { parseSchedules, RoundScheduler } from './round-scheduler.ts';
import { openRoundStore } from './storage/open-round-store.ts';
import { DEFAULT_TRAINER, trainEveryRounds } from './training-jobs.ts';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const modelsDir = resolve(process.env.PRIVET_MODELS_DIR ?? 'models');
const distDir = resolve(process.env.PRIVET_DIST_DIR ?? 'dist');
// The demo store's own catalogue, from the repository whatever the working directory.
const demoFeed = resolve(import.meta.dirname, '../../public/catalog/demo-catalog.json');
// The developer page's research catalogue (gitignored; `npm run setup` builds it from ../shared when present).
const developerFeed = resolve(import.meta.dirname, '../../.cache/dev-catalogs/scientific.json');
// Federated rounds: their log in PostgreSQL when PRIVET_DATABASE_URL=postgres://… names one (several
// servers may share it), otherwise in SQLite under PRIVET_DATA_DIR; uploaded catalogues' feeds live there too.
const dataDir = resolve(process.env.PRIVET_DATA_DIR ?? '.cache/server');
const catalogsDir = join(dataDir, 'catalogs');
// Merchants' keys, origins and limits: PRIVET_MERCHANTS_FILE and/or PRIVET_MERCHANT_KEYS (merchants.ts).
const merchants = MerchantDirectory.fromEnvironment(process.env);
const catalogMaxBytes = process.env.PRIVET_CATALOG_MAX_BYTES === undefined ? undefined : Number(process.env.PRIVET_CATALOG_MAX_BYTES);
if (catalogMaxBytes !== undefined && !(Number.isSafeInteger(catalogMaxBytes) && catalogMaxBytes > 0)) throw new Error(`PRIVET_CATALOG_MAX_BYTES must be a whole number of bytes, got ${process.env.PRIVET_CATALOG_MAX_BYTES}`);
// Each merchant's (ε, δ) over all its rounds: PRIVET_EPSILON_BUDGET (default 8), δ 1e-6.
const privacyBudget = { epsilon: Number(process.env.PRIVET_EPSILON_BUDGET ?? 8), delta: 1e-6 };
// Rounds the server runs by itself: PRIVET_ROUND_SCHEDULE, a JSON list (README); the demo store's by default.
// Its ranker and its intent head take turns (one round open at a time); both draw on the one ε budget.
const DEMO_ROUND = { catalog: 'demo', privacy: { sampleRate: 0.5, noiseMultiplier: 3, clipNorm: 1 }, expectedCohort: 3, maxClients: 200, checkInSeconds: 45 };
const DEMO_SCHEDULE = JSON.stringify((['ranker', 'intent'] as const).map((model) => ({ merchant: 'demo', everySeconds: 120, phaseSeconds: 15, round: { ...DEMO_ROUND, model } })));
const schedules = parseSchedules(process.env.PRIVET_ROUND_SCHEDULE ?? DEMO_SCHEDULE);
if (!(privacyBudget.epsilon > 0 && Number.isFinite(privacyBudget.epsilon))) throw new Error(`PRIVET_EPSILON_BUDGET must be a positive number, got ${process.env.PRIVET_EPSILON_BUDGET}`);
// Training jobs (python -m trainer.training_job from the repository root) are stopped after
// PRIVET_TRAINING_TIMEOUT_S (default 2 h), whatever budget they were given.
const trainingTimeoutS = Number(process.env.PRIVET_TRAINING_TIMEOUT_S ?? 7200);
if (!(trainingTimeoutS > 0 && Number.isFinite(trainingTimeoutS))) throw new Error(`PRIVET_TRAINING_TIMEOUT_S must be a positive number of seconds, got ${process.env.PRIVET_TRAINING_TIMEOUT_S}`);
const repoRoot = resolve(import.meta.dirname, '../..');
// PRIVET_TRAIN_EVERY_ROUNDS=k: a training job for a schedule's catalogue after every k of its completed rounds (0, the default: on demand only).
const trainEvery = Number(process.env.PRIVET_TRAIN_EVERY_ROUNDS ?? 0);
if (!(Number.isInteger(trainEvery) && trainEvery >= 0)) throw new Error(`PRIVET_TRAIN_EVERY_ROUNDS must be a whole number ≥ 0, got ${process.env.PRIVET_TRAIN_EVERY_ROUNDS}`);

try {
  const catalog = parseCatalog(JSON.parse(readFileSync(demoFeed, 'utf8')));
  const found = findDeveloperCatalog(modelsDir, developerFeed, 'scientific');
  const developer = 'developer' in found ? found.developer : undefined;
  mkdirSync(dataDir, { recursive: true });
  const store = await openRoundStore({ databaseUrl: process.env.PRIVET_DATABASE_URL, sqliteFile: join(dataDir, 'rounds.sqlite') });
  const coordinator = await RoundCoordinator.restore(store);
  const keys = merchants.keyHashes();
  let registryRef: ModelRegistry | null = null;
  let roundCompleted: () => Promise<void> = async () => {};
  // Re-verified and served at once: the manifest endpoint follows the new ranker or intent head without a restart.
  const federatedPublisher = new FederatedPublisher({
    modelsDir, dataDir, delta: privacyBudget.delta,
    // Applied in the registry's queue; served by reloading that version only if it is still
    // current (a candidate switched in right after carried a new ranker already).
    exclusive: (work) => (registryRef ? registryRef.exclusive(work) : Promise.resolve().then(work)),
    onPublished: (m) => registryRef?.makeCurrent(m.version, m.version).catch((error: Error) => {
      if (!(error instanceof StaleBaseError)) console.error(`privet: the federated update was written but could not be served: ${error.message}`);
    }),
  });
  // Rounds update the version and files on disk now, which a round just published may have changed.
  const federation: FederationOptions = {
    coordinator, merchantKeys: keys, privacyBudget,
    modelVersion: () => currentVersion(modelsDir).manifest.version, modelOf: currentModelOf(modelsDir),
    published: (merchant) => federatedPublisher.publishedBy(merchant),
    onRoundCompleted: () => roundCompleted(),
  };
  const { app, registry, trainingJobs } = await buildApp({
    modelsDir,
    distDir,
    logger: loggerOptions(process.env.LOG_LEVEL ?? 'info'),
    crossOriginIsolated: process.env.PRIVET_CROSS_ORIGIN_ISOLATED === '1',
    // widgetAttributes become data-* on the script tag, exactly as a merchant would write them.
    storefront: { catalog, merchant: 'demo', widgetAttributes: { 'default-mode': 'local' }, developer },
    // Catalogues uploaded earlier (PUT /v1/catalogs/:name) are served again after a restart.
    feeds: { ...storedFeeds(catalogsDir), demo: demoFeed },
    merchants,
    catalogIngest: { catalogsDir, bodyLimit: catalogMaxBytes },
    federation,
    training: { merchantKeys: keys, trainer: { ...DEFAULT_TRAINER, command: join(repoRoot, DEFAULT_TRAINER.command), cwd: repoRoot }, timeoutMs: trainingTimeoutS * 1000 },
  });
  registryRef = registry;
  // Rounds that completed while the server was down are folded in before new ones open.
  for (const applied of await federatedPublisher.catchUp(store)) app.log.info(applied, 'federated round applied');
  const trainAfterRounds = trainingJobs && trainEvery > 0
    // One counter per catalogue, however many of its models have schedules (ranker and intent rounds both count).
    ? [...new Map(schedules.filter((s) => typeof s.round.catalog === 'string').map((s) => [`${s.merchant}/${String(s.round.catalog)}`, s])).values()]
      .map((s) => trainEveryRounds(trainingJobs, trainEvery, { merchant: s.merchant, catalog: s.round.catalog as string }))
    : [];
  // After every completed round, whether the scheduler or the merchant closed its last phase.
  roundCompleted = async () => {
    for (const applied of await federatedPublisher.catchUp(store)) {
      app.log.info(applied, applied.file ? `federated ${applied.model} published` : 'federated round skipped');
      for (const train of trainAfterRounds) train();
    }
  };
  const scheduler = new RoundScheduler(federation, schedules, roundCompleted, app.log);
  scheduler.start();
  app.addHook('onClose', () => scheduler.stop());
  await app.listen({ port, host });
  // Finish in-flight requests, close the round database and cancel a running training job (its
  // own process group keeps Ctrl-C from reaching it) on a polite stop.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void app.close().finally(() => process.exit(0)));
  const origin = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  console.log(`Privet demo store: ${origin}/  (model ${registry.current.version})`);
  console.log(`Merchant dashboard: ${origin}/dashboard  (paste a key whose SHA-256 is in PRIVET_MERCHANT_KEYS)`);
  console.log('reason' in found ? `Developer page off: ${found.reason}` : `Developer page: ${origin}/developer  (${found.developer.catalog.products.length} products, research data)`);
} catch (err) {
  if (err instanceof ModelIntegrityError) {
    console.error(`Privet server refused to start: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
