/**
 * Catalogue ingest for a running server: embed a merchant's catalogue with the current model
 * (catalog-index.ts, onnxruntime-node), keep its feed, and make both live without a restart.
 * The order is what makes a failure lose nothing: the catalogue is validated before this is
 * called; the item matrix and manifest are written atomically by the indexer only once
 * every product is embedded; the feed is written next, then the model registry reloads and
 * the feed is served. Ingests run one at a time (each rewrites the manifest).
 */
import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../core/catalog.ts';
import { indexCatalog } from './catalog-index.ts';

export interface CatalogIngestOptions {
  modelsDir: string;
  /** Where feeds are kept, as <name>.json; read again at start-up (storedFeeds). */
  catalogsDir: string;
  /** Re-reads the model registry, so the manifest served lists the new item matrix. */
  reloadModels: () => Promise<void>;
  /** Where the item matrix is written (ModelRegistry.exclusive): no version is switched in meanwhile. */
  exclusive?: <T>(work: () => T) => Promise<T>;
  /** Starts serving (or replaces) the feed at /v1/catalog/<name>; `path` is where it is kept. */
  publishFeed: (name: string, bytes: Buffer, path: string) => void;
}

export interface IngestOutcome {
  name: string;
  products: number;
  /** The item matrix file in the current model version. */
  items: string;
  /** False when the model already held exactly this catalogue (nothing re-embedded). */
  embedded: boolean;
  seconds: number;
}

/** The feeds ingested before this start: name → path. */
export function storedFeeds(catalogsDir: string): Record<string, string> {
  let files: string[];
  try {
    files = readdirSync(catalogsDir);
  } catch {
    return {};
  }
  return Object.fromEntries(files.filter((f) => f.endsWith('.json')).map((f) => [f.slice(0, -'.json'.length), join(catalogsDir, f)]));
}

export class CatalogIngest {
  readonly #options: CatalogIngestOptions;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: CatalogIngestOptions) {
    this.#options = options;
    mkdirSync(options.catalogsDir, { recursive: true });
  }

  ingest(name: string, catalog: Catalog): Promise<IngestOutcome> {
    const run = this.#queue.then(() => this.#ingest(name, catalog));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #ingest(name: string, catalog: Catalog): Promise<IngestOutcome> {
    const started = performance.now();
    const { modelsDir, catalogsDir, reloadModels, publishFeed } = this.#options;
    const indexed = await indexCatalog(modelsDir, name, catalog, this.#options.exclusive);
    const bytes = Buffer.from(JSON.stringify(catalog));
    const path = join(catalogsDir, `${name}.json`);
    writeFileSync(`${path}.tmp`, bytes);
    renameSync(`${path}.tmp`, path);
    if (indexed.written) await reloadModels();
    publishFeed(name, bytes, path);
    return { name, products: catalog.products.length, items: indexed.catalog.items, embedded: indexed.written, seconds: Math.round((performance.now() - started) / 100) / 10 };
  }
}
