/**
 * The Privet HTTP server: the built widget, the server-rendered demo storefront, the
 * published models, the manifest endpoint, merchants' product feeds, the federated round
 * API and training jobs. Routes stay thin; model bookkeeping lives in model-registry.ts, the
 * storefront's pages in storefront.ts, rounds in round-coordinator.ts, jobs in training-jobs.ts.
 */
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { parseCatalog } from '../core/catalog.ts';
import type { ModelManifest } from '../core/manifest.ts';
import { CatalogIngest } from './catalog-ingest.ts';
import { registerCatalogRoutes } from './catalog-routes.ts';
import { registerCors } from './cors.ts';
import { currentVersion } from './current-version.ts';
import { registerErrorReplies } from './http-error.ts';
import { feedSchema, healthSchema, manifestSchema } from './http-schemas.ts';
import { MerchantDirectory } from './merchants.ts';
import { registerDashboardPage } from './dashboard-page.ts';
import { loadModelRegistry, type ModelRegistry } from './model-registry.ts';
import { registerModelRoutes } from './model-routes.ts';
import { registerOpenApi } from './openapi.ts';
import { registerRateLimits } from './rate-limits.ts';
import { registerRequestLog } from './request-log.ts';
import { registerRoundRoutes, type FederationOptions } from './round-routes.ts';
import { registerStorefront, type DeveloperCatalog, type StorefrontOptions } from './storefront.ts';
import { TrainingJobRunner, type TrainingRunnerOptions } from './training-jobs.ts';
import { registerTrainingRoutes } from './training-routes.ts';

export interface AppOptions {
  /** Directory with models/manifest.json and models/<version>/. */
  modelsDir: string;
  /** The Vite build output (widget bundle, storefront pages, catalog). */
  distDir: string;
  logger?: FastifyServerOptions['logger'];
  /**
   * Send COOP/COEP so pages are cross-origin isolated and onnxruntime-web may use several
   * threads. Off by default: most stores cannot send these headers (third-party embeds break).
   */
  crossOriginIsolated?: boolean;
  /** Serve the server-rendered demo storefront at / (and /category, /product, /cart, /developer). */
  storefront?: StorefrontOptions;
  /** Serve the federated round API (round-routes.ts). */
  federation?: FederationOptions;
  /**
   * Serve the model versions (GET /v1/models, rollback) and the training job API, running the
   * trainer as configured here.
   */
  training?: Omit<TrainingRunnerOptions, 'registry' | 'log' | 'feedPaths'> & { merchantKeys: ReadonlyMap<string, string> };
  /** Merchant → absolute path of its catalogue JSON, served at /v1/catalog/<merchant>. The storefront's developer catalogue is added to these. */
  feeds?: Record<string, string>;
  /** Merchants' keys, allowed origins and rate limits (merchants.ts); none by default: same-origin only. */
  merchants?: MerchantDirectory;
  /** Accept catalogues over HTTP (PUT /v1/catalogs/:name, catalog-routes.ts), keeping their feeds in `catalogsDir`. */
  catalogIngest?: {
    catalogsDir: string;
    bodyLimit?: number;
    /** Re-reads the model registry after an ingest; by default the current version is verified again and served. */
    reloadModels?: () => Promise<void>;
  };
}

/**
 * The developer page's catalogue when it is ready to serve: its feed exists (built by
 * `python -m trainer.dev_catalog`, step 8 of `npm run setup`) and the current model lists a
 * catalogue of that name (its item matrix). Otherwise why not, for the server's log; a
 * broken feed or models folder turns the page off rather than stopping the store (a broken
 * models folder then stops it in buildApp, with the registry's own message).
 */
export function findDeveloperCatalog(modelsDir: string, feedPath: string, merchant: string): { developer: DeveloperCatalog } | { reason: string } {
  if (!existsSync(feedPath)) return { reason: `${feedPath} does not exist` };
  let manifest: ModelManifest;
  try {
    manifest = currentVersion(modelsDir).manifest;
  } catch (err) {
    return { reason: `the current model's manifest could not be read: ${(err as Error).message}` };
  }
  if (!manifest.catalogs.some((c) => c.name === merchant)) return { reason: `model ${manifest.version} has no catalogue "${merchant}"` };
  try {
    return { developer: { merchant, feedPath, catalog: parseCatalog(JSON.parse(readFileSync(feedPath, 'utf8'))) } };
  } catch (err) {
    return { reason: `${feedPath}: ${(err as Error).message}` };
  }
}

/** The feeds to serve: the configured ones and the developer catalogue's. */
function feedsWithDeveloper(feeds: Record<string, string>, developer: DeveloperCatalog | undefined): Record<string, string> {
  if (!developer) return feeds;
  const configured = Object.hasOwn(feeds, developer.merchant) ? feeds[developer.merchant] : undefined;
  if (configured !== undefined && resolve(configured) !== resolve(developer.feedPath)) {
    throw new Error(`merchant ${JSON.stringify(developer.merchant)} has two feeds: ${configured} and the developer catalogue's ${developer.feedPath}`);
  }
  return { ...feeds, [developer.merchant]: developer.feedPath };
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
// Unversioned documents may change with the next deploy: revalidate every time.
const REVALIDATE = 'no-cache';

// Types the `mime` table behind @fastify/static gets wrong or does not know.
const CONTENT_TYPES: Record<string, string> = {
  '.wasm': 'application/wasm',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.onnx': 'application/octet-stream',
  '.json': 'application/json; charset=utf-8',
};

interface Feed {
  bytes: Buffer;
  etag: string;
}

const feedOf = (bytes: Buffer): Feed => ({ bytes, etag: `"${createHash('sha256').update(bytes).digest('hex')}"` });

/**
 * Reads and validates every merchant's feed once, at start-up, like the models: a feed the
 * widget could not parse stops the server here instead of failing in every shopper's browser.
 */
async function loadFeeds(feeds: Record<string, string>): Promise<Map<string, Feed>> {
  const loaded = new Map<string, Feed>();
  for (const [merchant, path] of Object.entries(feeds)) {
    const bytes = await readFile(path);
    try {
      parseCatalog(JSON.parse(bytes.toString('utf8')));
    } catch (err) {
      throw new Error(`feed of merchant ${JSON.stringify(merchant)} (${path}): ${(err as Error).message}`);
    }
    loaded.set(merchant, feedOf(bytes));
  }
  return loaded;
}

/** If-None-Match is a list of (possibly weak) tags or `*`; a weak match is enough for GET. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

function setContentType(reply: FastifyReply, path: string): void {
  const type = CONTENT_TYPES[extname(path)];
  if (type) reply.header('Content-Type', type);
  reply.header('X-Content-Type-Options', 'nosniff');
}

export async function buildApp(options: AppOptions): Promise<{ app: FastifyInstance; registry: ModelRegistry; trainingJobs: TrainingJobRunner | null }> {
  // Loading verifies every model file; a ModelIntegrityError here stops the server.
  const registry = await loadModelRegistry(options.modelsDir);
  // Requests are logged once, on completion, by request-log.ts (without shopper identifiers).
  const app = Fastify({ logger: options.logger ?? false, logController: new LogController({ disableRequestLogging: true }) });
  const merchants = options.merchants ?? new MerchantDirectory([]);
  const roundMerchant = (roundId: string) => options.federation?.coordinator.merchantOf(roundId);
  registerErrorReplies(app);
  registerRequestLog(app);
  // Before every route: these collect the routes as they are added.
  await registerOpenApi(app, registry.current.version);
  await registerCors(app, { merchants, roundMerchant });
  registerRateLimits(app, { merchants, roundMerchant });
  if (options.crossOriginIsolated) {
    app.addHook('onSend', async (_request, reply) => {
      reply.header('Cross-Origin-Opener-Policy', 'same-origin');
      reply.header('Cross-Origin-Embedder-Policy', 'require-corp');
    });
  }

  // Browsers ask for /favicon.ico on any page without an icon link (JSON, images).
  app.get('/favicon.ico', { schema: { summary: 'the icon, at /favicon.svg' } }, async (_request, reply) => reply.redirect('/favicon.svg', 301));

  app.get('/healthz', { schema: healthSchema }, async () => ({ status: 'ok', model: registry.current.version }));

  app.get('/v1/manifest', { schema: manifestSchema }, async (_request, reply) => {
    reply.header('Cache-Control', REVALIDATE);
    return registry.current;
  });

  // A Map, not the options object: a merchant named "constructor" must not find a prototype.
  const feedFiles = feedsWithDeveloper(options.feeds ?? {}, options.storefront?.developer);
  const feeds = await loadFeeds(feedFiles);
  // Where each feed is kept: a training job embeds every catalogue again with its new encoder.
  const feedPaths = new Map(Object.entries(feedFiles));
  app.get<{ Params: { merchant: string } }>('/v1/catalog/:merchant', { schema: feedSchema, config: { cors: 'feed-merchant' } }, async (request, reply) => {
    const feed = feeds.get(request.params.merchant);
    if (!feed) return reply.code(404).send({ error: `unknown merchant ${JSON.stringify(request.params.merchant)}` });
    // The widget re-checks the feed on every load; when it has not changed that costs a 304.
    reply.header('Cache-Control', REVALIDATE).header('ETag', feed.etag);
    if (matchesEtag(request.headers['if-none-match'], feed.etag)) return reply.code(304).send();
    return reply.header('Content-Type', 'application/json; charset=utf-8').header('X-Content-Type-Options', 'nosniff').send(feed.bytes);
  });

  if (options.federation) await registerRoundRoutes(app, options.federation);
  if (options.catalogIngest) {
    const { catalogsDir, bodyLimit } = options.catalogIngest;
    // The ingest rewrote the current version's manifest: verify it again and serve it.
    // (Only if it is still current: a version switched in since carried the catalogue or refused to.)
    const reloadModels = options.catalogIngest.reloadModels ?? (async () => void (await registry.makeCurrent(registry.current.version, registry.current.version)));
    const ingest = new CatalogIngest({ modelsDir: options.modelsDir, catalogsDir, reloadModels, exclusive: (work) => registry.exclusive(work), publishFeed: (name, bytes, path) => {
      feeds.set(name, feedOf(bytes));
      feedPaths.set(name, path);
    } });
    await registerCatalogRoutes(app, { ingest, merchants, bodyLimit });
  }

  let trainingJobs: TrainingJobRunner | null = null;
  if (options.training) {
    const { merchantKeys, ...runnerOptions } = options.training;
    const runner = new TrainingJobRunner({ ...runnerOptions, registry, log: app.log, feedPaths });
    app.addHook('onClose', () => runner.shutdown());
    trainingJobs = runner;
    await registerModelRoutes(app, { registry, merchantKeys });
    await registerTrainingRoutes(app, { runner: trainingJobs, merchantKeys });
  }

  // Before the static bundle, whose `/*` also matches /, /cart and the rest: the router
  // prefers these exact routes, so / is the storefront home.
  if (options.storefront) await registerStorefront(app, options.storefront);
  await registerDashboardPage(app, options.distDir);

  await app.register(fastifyStatic, {
    root: options.distDir,
    prefix: '/',
    // Listed in the OpenAPI document like every other route.
    schemaHide: false,
    cacheControl: false,
    dotfiles: 'ignore',
    setHeaders(reply, path) {
      setContentType(reply, path);
      // Vite puts content-hashed files under assets/; their URL changes when they do.
      reply.header('Cache-Control', path.includes('/assets/') ? IMMUTABLE : REVALIDATE);
    },
  });

  const pointerPath = resolve(options.modelsDir, 'manifest.json');
  await app.register(fastifyStatic, {
    root: options.modelsDir,
    prefix: '/models/',
    decorateReply: false,
    schemaHide: false,
    cacheControl: false,
    // Serve exactly the files of verified versions (at start-up or since, when published) and
    // the pointer, nothing else in the folder.
    allowedPath(pathName) {
      if (pathName === '/manifest.json') return true;
      const [, version, name, ...rest] = pathName.split('/');
      const manifest = version ? registry.versions.get(version) : undefined;
      if (!manifest || !name || rest.length > 0) return false;
      return name === 'manifest.json' || manifest.files.some((file) => file.name === name);
    },
    setHeaders(reply, path) {
      setContentType(reply, path);
      // A version directory's bytes never change (its name is derived from them).
      // The pointer changes on publish and rollback (whatever the models folder is called).
      reply.header('Cache-Control', resolve(path) === pointerPath ? REVALIDATE : IMMUTABLE);
    },
  });

  return { app, registry, trainingJobs };
}
