/** `npm run serve`: start the Privet server. Configuration comes from the environment. */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCatalog } from '../core/catalog.ts';
import { buildApp, findDeveloperCatalog } from './app.ts';
import { storedFeeds } from './catalog-ingest.ts';
import { MerchantDirectory } from './merchants.ts';
import { ModelIntegrityError } from './model-registry.ts';
import { loggerOptions } from './request-log.ts';
import { RoundCoordinator } from './round-coordinator.ts';
import { SqliteRoundStore } from './storage/sqlite-round-store.ts';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const modelsDir = resolve(process.env.PRIVET_MODELS_DIR ?? 'models');
const distDir = resolve(process.env.PRIVET_DIST_DIR ?? 'dist');
// The demo store's own catalogue, from the repository whatever the working directory.
const demoFeed = resolve(import.meta.dirname, '../../public/catalog/demo-catalog.json');
// The developer page's research catalogue (gitignored; `npm run setup` builds it from ../shared when present).
const developerFeed = resolve(import.meta.dirname, '../../.cache/dev-catalogs/scientific.json');
// Federated rounds' log (SQLite) and uploaded catalogues' feeds live under PRIVET_DATA_DIR.
const dataDir = resolve(process.env.PRIVET_DATA_DIR ?? '.cache/server');
const catalogsDir = join(dataDir, 'catalogs');
// Merchants' keys, origins and limits: PRIVET_MERCHANTS_FILE and/or PRIVET_MERCHANT_KEYS (merchants.ts).
const merchants = MerchantDirectory.fromEnvironment(process.env);
const catalogMaxBytes = process.env.PRIVET_CATALOG_MAX_BYTES === undefined ? undefined : Number(process.env.PRIVET_CATALOG_MAX_BYTES);
if (catalogMaxBytes !== undefined && !(Number.isSafeInteger(catalogMaxBytes) && catalogMaxBytes > 0)) throw new Error(`PRIVET_CATALOG_MAX_BYTES must be a whole number of bytes, got ${process.env.PRIVET_CATALOG_MAX_BYTES}`);
// Each merchant's (ε, δ) over all its rounds: PRIVET_EPSILON_BUDGET (default 8), δ 1e-6.
const privacyBudget = { epsilon: Number(process.env.PRIVET_EPSILON_BUDGET ?? 8), delta: 1e-6 };
if (!(privacyBudget.epsilon > 0 && Number.isFinite(privacyBudget.epsilon))) throw new Error(`PRIVET_EPSILON_BUDGET must be a positive number, got ${process.env.PRIVET_EPSILON_BUDGET}`);

try {
  const catalog = parseCatalog(JSON.parse(readFileSync(demoFeed, 'utf8')));
  const found = findDeveloperCatalog(modelsDir, developerFeed, 'scientific');
  const developer = 'developer' in found ? found.developer : undefined;
  mkdirSync(dataDir, { recursive: true });
  const coordinator = await RoundCoordinator.restore(new SqliteRoundStore(join(dataDir, 'rounds.sqlite')));
  const { app, registry } = await buildApp({
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
    federation: { coordinator, merchantKeys: merchants.keyHashes(), modelVersion: () => registry.current.version, privacyBudget },
  });
  await app.listen({ port, host });
  // Finish in-flight requests and close the round database on a polite stop (and let --cpu-prof write its profile).
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
  const origin = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  console.log(`Privet demo store: ${origin}/  (model ${registry.current.version})`);
  console.log('reason' in found ? `Developer page off: ${found.reason}` : `Developer page: ${origin}/developer  (${found.developer.catalog.products.length} products, research data)`);
} catch (err) {
  if (err instanceof ModelIntegrityError) {
    console.error(`Privet server refused to start: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
