/**
 * Publishing and rollback in the registry, on real version folders (the exported model's
 * files, linked into a temporary models folder): the pointer moves only to a version whose
 * files verify, atomically, and a restarted server agrees with the running one.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelRegistry, ModelIntegrityError, SET_ASIDE_DIR } from '../../src/server/model-registry.ts';
import { copyVersion, linkedModelsCopy, tamperWith } from '../support/models.ts';

async function twoVersions() {
  const { dir, version: first } = linkedModelsCopy();
  const second = 'ft-20261127T000000Z-abcdef';
  copyVersion(dir, first, second, '2099-01-01T00:00:00+00:00', { 'ndcg@10': 0.07 });
  const registry = await loadModelRegistry(dir);
  const pointer = () => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { current: string; manifest: string };
  return { dir, first, second, registry, pointer };
}

describe('model registry: publish and rollback', () => {
  it('makes a verified version current, on disk and in memory, and back again', async () => {
    const { dir, first, second, registry, pointer } = await twoVersions();
    expect(registry.current.version).toBe(first);
    const published = await registry.makeCurrent(second);
    expect(published.metrics).toEqual({ 'ndcg@10': 0.07 });
    expect(registry.current.version).toBe(second);
    expect(pointer()).toEqual({ current: second, manifest: `${second}/manifest.json` });
    expect((await loadModelRegistry(dir)).current.version).toBe(second);
    await registry.makeCurrent(first);
    expect(registry.current.version).toBe(first);
    expect(pointer().current).toBe(first);
    // No temporary pointer is left behind.
    expect(readdirSync(dir).sort()).toEqual([first, second, 'manifest.json'].sort());
  });

  it('refuses a version whose files changed since they were listed, and keeps the current one', async () => {
    const { first, second, registry, pointer } = await twoVersions();
    tamperWith(registry.modelsDir, second, 'tokenizer.json');
    const attempt = registry.makeCurrent(second);
    await expect(attempt).rejects.toThrow(ModelIntegrityError);
    await expect(attempt).rejects.toThrow(`model ${second}: tokenizer.json is 18 bytes, its manifest says`);
    expect(registry.current.version).toBe(first);
    expect(pointer().current).toBe(first);
    // It no longer verifies, so it is no longer served or listed.
    expect(registry.versions.has(second)).toBe(false);
  });

  it('refuses a version that is not there and a name that would leave the models folder', async () => {
    const { first, registry } = await twoVersions();
    await expect(registry.makeCurrent('ft-missing')).rejects.toThrow(/manifest of model ft-missing not found/);
    await expect(registry.makeCurrent('../elsewhere')).rejects.toThrow(/may only use letters, digits/);
    expect(registry.current.version).toBe(first);
  });

  it('applies moves in the order they were asked for', async () => {
    const { first, second, registry, pointer } = await twoVersions();
    await Promise.all([registry.makeCurrent(second), registry.makeCurrent(first), registry.makeCurrent(second)]);
    expect(registry.current.version).toBe(second);
    expect(pointer().current).toBe(second);
  });

  it('switches no version in while exclusive work runs (a round writing into the current version), and only then', async () => {
    const { first, second, registry, pointer } = await twoVersions();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seen: string[] = [];
    const work = registry.exclusive(async () => {
      seen.push(`work sees ${pointer().current}`);
      await gate;
      seen.push(`work ends with ${pointer().current}`);
    });
    const switched = registry.makeCurrent(second).then(() => seen.push('switched'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toEqual([`work sees ${first}`]);
    release();
    await Promise.all([work, switched]);
    expect(seen).toEqual([`work sees ${first}`, `work ends with ${first}`, 'switched']);
    // A reload asked for a version that is no longer current is refused, never a rollback.
    await expect(registry.makeCurrent(first, first)).rejects.toThrow(/is current now/);
    expect(pointer().current).toBe(second);
  });

  it('sets an unpublished version aside where loading skips it, but never the current one', async () => {
    const { dir, first, second, registry } = await twoVersions();
    await expect(registry.setAside(first)).rejects.toThrow(`model ${first} is current and cannot be set aside`);
    const to = await registry.setAside(second);
    expect(to).toMatch(new RegExp(`/${SET_ASIDE_DIR}/${second}-\\d+$`));
    expect(existsSync(join(to!, 'manifest.json'))).toBe(true);
    expect(registry.versions.has(second)).toBe(false);
    expect(await registry.setAside(second)).toBeNull();
    expect([...(await loadModelRegistry(dir)).versions.keys()]).toEqual([first]);
  });
});
