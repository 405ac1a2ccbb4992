/** The real Privet server on a free loopback port, over the real build and models. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parseCatalog } from '../../src/core/catalog.ts';
import { buildApp } from '../../src/server/app.ts';
import type { FederationOptions } from '../../src/server/round-routes.ts';
import type { DeveloperCatalog, StorefrontOptions } from '../../src/server/storefront.ts';
import { distDir, modelsDir, repoRoot } from './models.ts';

export interface RunningServer {
  app: FastifyInstance;
  origin: string;
}

export const demoFeedPath = join(repoRoot, 'public/catalog/demo-catalog.json');

export interface StartServerOptions {
  modelsDir?: string;
  crossOriginIsolated?: boolean;
  /** Merged over the demo's { 'default-mode': 'local' } on the widget's script tag (not used with `storefront`). */
  widgetAttributes?: Record<string, string>;
  /** Replaces the demo storefront (the demo catalogue, merchant "demo") entirely. */
  storefront?: StorefrontOptions;
  /** The demo storefront's developer page catalogue (served at /developer and as its merchant's feed; not used with `storefront`). */
  developer?: DeveloperCatalog;
  /** Replaces the feeds (default: { demo: the demo catalogue }). */
  feeds?: Record<string, string>;
  /** Serves the federated round API too. */
  federation?: FederationOptions;
}

/** Every test server serves the storefront at / and the demo feed, as `npm run serve` does. */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const storefront = options.storefront ?? {
    catalog: parseCatalog(JSON.parse(readFileSync(demoFeedPath, 'utf8'))),
    merchant: 'demo',
    widgetAttributes: { 'default-mode': 'local', ...options.widgetAttributes },
    developer: options.developer,
  };
  const { app } = await buildApp({
    modelsDir: options.modelsDir ?? modelsDir,
    distDir,
    crossOriginIsolated: options.crossOriginIsolated ?? false,
    storefront,
    feeds: options.feeds ?? { demo: demoFeedPath },
    ...(options.federation && { federation: options.federation }),
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, origin: new URL(address).origin };
}
