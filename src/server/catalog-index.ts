/**
 * Catalogue → item matrix for one model version. The server embeds every product with
 * the same encoder the browser runs (fp32, exact), quantises the rows (src/core/item-matrix)
 * and lists the result in that version's manifest, so widgets download one verified file
 * instead of embedding the catalogue themselves.
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { productText, type Catalog } from '../core/catalog.ts';
import { quantizeRows, serializeItemMatrix, type ItemMatrix } from '../core/item-matrix.ts';
import type { ManifestCatalog, ModelManifest } from '../core/manifest.ts';
import { currentVersion } from './current-version.ts';
import { describeBytes, writeAtomically } from './model-files.ts';
import { loadNodeEncoder } from './node-encoder.ts';

export interface IndexResult {
  manifest: ModelManifest;
  catalog: ManifestCatalog;
  /** False when the manifest already held this exact catalogue and nothing was written. */
  written: boolean;
}

/** Identifies what was embedded: product ids and the exact texts, in order. */
export function catalogSourceDigest(catalog: Catalog): string {
  const hash = createHash('sha256');
  for (const product of catalog.products) hash.update(JSON.stringify([product.id, productText(product)])).update('\n');
  return hash.digest('hex');
}



/** Another model version became current while a catalogue was embedded with the previous one's encoder (HTTP 409). */
export class ModelChangedError extends Error {
  override name = 'ModelChangedError';
  readonly statusCode = 409;
}

/**
 * Embeds `catalog` with the current version's encoder and lists it in that version.
 * `exclusive` runs the write where no version is switched in meanwhile (the server's
 * ModelRegistry.exclusive); if another version became current during the embedding, the
 * vectors would not match its encoder, so nothing is written and ModelChangedError says so.
 */
export async function indexCatalog(modelsDir: string, name: string, catalog: Catalog,
  exclusive: <T>(work: () => T) => Promise<T> = async (work) => work()): Promise<IndexResult> {
  const { manifest, versionDir } = currentVersion(modelsDir);
  const source = catalogSourceDigest(catalog);
  const existing = manifest.catalogs.find((c) => c.name === name);
  if (existing?.source_sha256 === source) return { manifest, catalog: existing, written: false };

  const encoder = await loadNodeEncoder(versionDir, manifest, 'fp32');
  const vectors = await encoder.embed(catalog.products.map(productText));
  const flat = new Float32Array(vectors.length * manifest.dims);
  vectors.forEach((v, i) => flat.set(v, i * manifest.dims));
  return exclusive(() => {
    const now = currentVersion(modelsDir).manifest.version;
    if (now !== manifest.version) throw new ModelChangedError(`model ${now} became current while catalogue "${name}" was embedded with ${manifest.version}: send it again`);
    return publishItemMatrix(modelsDir, name, catalog.products.map((p) => p.id), quantizeRows(flat, manifest.dims), source);
  });
}

/** Writes an item matrix and its ids into the current version and lists them in its manifest. */
export function publishItemMatrix(modelsDir: string, name: string, productIds: string[], matrix: ItemMatrix, source: string): IndexResult {
  const { manifest, versionDir } = currentVersion(modelsDir);
  if (matrix.rows !== productIds.length || matrix.dims !== manifest.dims) {
    throw new Error(`item matrix is ${matrix.rows}×${matrix.dims}, expected ${productIds.length}×${manifest.dims}`);
  }
  const existing = manifest.catalogs.find((c) => c.name === name);
  const items = serializeItemMatrix(matrix);
  const ids = new TextEncoder().encode(JSON.stringify(productIds));

  // The source digest is in the file names, so each name always means the same bytes.
  const stem = `items.${name}.${source.slice(0, 12)}`;
  const entry: ManifestCatalog = { name, items: `${stem}.int8`, ids: `${stem}.ids.json`, rows: productIds.length, source_sha256: source };
  writeAtomically(join(versionDir, entry.items), items);
  writeAtomically(join(versionDir, entry.ids), ids);

  // The old intent head and ranker were built from the old catalogue: they go too (and are rebuilt).
  const stale = existing ? [existing.items, existing.ids, existing.intent_head, existing.ranker].filter((f): f is string => f !== undefined) : [];
  const updated: ModelManifest = {
    ...manifest,
    files: [
      ...manifest.files.filter((f) => !stale.includes(f.name) && f.name !== entry.items && f.name !== entry.ids),
      describeBytes(entry.items, items, 'int8-rows'),
      describeBytes(entry.ids, ids, 'json'),
    ],
    catalogs: [...manifest.catalogs.filter((c) => c.name !== name), entry],
  };
  writeAtomically(join(versionDir, 'manifest.json'), JSON.stringify(updated, null, 2) + '\n');
  for (const file of stale) rmSync(join(versionDir, file), { force: true });
  return { manifest: updated, catalog: entry, written: true };
}
