import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCatalog, type Catalog } from '../../src/core/catalog.ts';
import { CatalogIngest, storedFeeds } from '../../src/server/catalog-ingest.ts';
import { currentVersion } from '../../src/server/current-version.ts';
import { linkedModelsCopy, readJson, repoRoot } from '../support/models.ts';

const demo = parseCatalog(readJson(join(repoRoot, 'public/catalog/demo-catalog.json')));
const slice = (from: number): Catalog => ({ ...demo, products: demo.products.slice(from, from + 4) });

describe('CatalogIngest', () => {
  it('runs concurrent ingests one at a time, so each lands in the manifest, then reloads and publishes', async () => {
    const { dir } = linkedModelsCopy();
    const catalogsDir = join(mkdtempSync(join(tmpdir(), 'privet-ingest-')), 'catalogs');
    const events: string[] = [];
    const ingest = new CatalogIngest({
      modelsDir: dir,
      catalogsDir,
      reloadModels: async () => void events.push('reload'),
      publishFeed: (name, bytes) => void events.push(`publish ${name} ${JSON.parse(bytes.toString()).products.length}`),
    });
    const [a, b] = await Promise.all([ingest.ingest('first', slice(0)), ingest.ingest('second', slice(10))]);
    expect([a.embedded, b.embedded, a.products, b.products]).toEqual([true, true, 4, 4]);
    expect(currentVersion(dir).manifest.catalogs.map((c) => c.name).sort()).toEqual(['first', 'second']);
    expect(events).toEqual(['reload', 'publish first 4', 'reload', 'publish second 4']);
    expect(parseCatalog(JSON.parse(readFileSync(join(catalogsDir, 'second.json'), 'utf8')))).toEqual(slice(10));
    expect(storedFeeds(catalogsDir)).toEqual({ first: join(catalogsDir, 'first.json'), second: join(catalogsDir, 'second.json') });
    // Unchanged: nothing re-embedded, no reload, the feed still published.
    expect((await ingest.ingest('first', slice(0))).embedded).toBe(false);
    expect(events.slice(4)).toEqual(['publish first 4']);
  });

  it('finds no stored feeds before the first ingest', () => {
    expect(storedFeeds(join(tmpdir(), 'privet-no-such-dir'))).toEqual({});
  });
});
