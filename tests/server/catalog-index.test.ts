import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCatalog, type Catalog } from '../../src/core/catalog.ts';
import { itemVector, parseItemMatrix, scoreAll } from '../../src/core/item-matrix.ts';
import { manifestCatalog } from '../../src/core/manifest.ts';
import { topK } from '../../src/core/similarity.ts';
import { indexCatalog } from '../../src/server/catalog-index.ts';
import { loadModelRegistry } from '../../src/server/model-registry.ts';
import { copyVersion, linkedModelsCopy, readJson, repoRoot } from '../support/models.ts';

const demo = parseCatalog(readJson(join(repoRoot, 'public/catalog/demo-catalog.json')));
const small: Catalog = { ...demo, products: demo.products.filter((_, i) => i % 20 === 0) };

describe('indexCatalog', () => {
  it('embeds every product, lists a verified item matrix in the manifest, and ranks each product first for itself', async () => {
    const { dir, version } = linkedModelsCopy();
    const result = await indexCatalog(dir, 'small', small);
    expect(result.written).toBe(true);
    const registry = await loadModelRegistry(dir); // re-hashes every listed file
    const entry = manifestCatalog(registry.current, 'small');
    expect(entry.rows).toBe(small.products.length);
    const ids = JSON.parse(readFileSync(join(dir, version, entry.ids), 'utf8')) as string[];
    expect(ids).toEqual(small.products.map((p) => p.id));
    const matrix = parseItemMatrix(readFileSync(join(dir, version, entry.items)).buffer as ArrayBuffer);
    expect(matrix.dims).toBe(384);
    for (let row = 0; row < matrix.rows; row++) {
      expect(topK(scoreAll(itemVector(matrix, row), matrix), 1)[0]!.index).toBe(row);
    }
  });

  it('does nothing when the catalogue is unchanged, and replaces the old files when it changes', async () => {
    const { dir, version } = linkedModelsCopy();
    const first = await indexCatalog(dir, 'small', small);
    expect((await indexCatalog(dir, 'small', small)).written).toBe(false);
    const edited: Catalog = { ...small, products: small.products.map((p, i) => (i === 0 ? { ...p, title: `${p.title} (new edition)` } : p)) };
    const second = await indexCatalog(dir, 'small', edited);
    expect(second.written).toBe(true);
    expect(second.catalog.items).not.toBe(first.catalog.items);
    expect(existsSync(join(dir, version, first.catalog.items))).toBe(false);
    expect(second.manifest.catalogs.filter((c) => c.name === 'small')).toHaveLength(1);
    await expect(loadModelRegistry(dir)).resolves.toBeTruthy();
  });

  it('writes nothing when another version became current while the catalogue was embedded with the old encoder', async () => {
    const { dir, version } = linkedModelsCopy();
    const trained = 'ft-20261127T000000Z-abcdef';
    copyVersion(dir, version, trained, '2099-01-01T00:00:00+00:00');
    // The switch lands while the vectors are computed: just before the write's exclusive section runs.
    const switchedIn = async <T>(work: () => T) => {
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ current: trained, manifest: `${trained}/manifest.json` }));
      return work();
    };
    await expect(indexCatalog(dir, 'small', small, switchedIn)).rejects.toThrow(new RegExp(`model ${trained} became current while catalogue "small" was embedded with ${version}: send it again`));
    for (const v of [version, trained]) expect((readJson(join(dir, v, 'manifest.json')) as { catalogs: { name: string }[] }).catalogs.some((c) => c.name === 'small')).toBe(false);
  });
});
