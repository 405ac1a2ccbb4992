/** Paths and parsed artefacts of the model that `npm run setup` exported. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ModelManifest } from '../../src/core/manifest.ts';
import { currentVersion } from '../../src/server/current-version.ts';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const modelsDir = join(repoRoot, 'models');
export const distDir = join(repoRoot, 'dist');

export interface GoldenCase {
  text: string;
  input_ids: number[];
  embedding: number[];
}

export interface Golden {
  base_model: string;
  max_tokens: number;
  dims: number;
  cases: GoldenCase[];
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function loadGolden(): Golden {
  return readJson(join(repoRoot, 'tests/golden/encoder.json')) as Golden;
}

export function currentManifest(): ModelManifest {
  return currentVersion(modelsDir).manifest;
}

export function versionDir(manifest: ModelManifest = currentManifest()): string {
  return join(modelsDir, manifest.version);
}

/** Largest absolute per-component difference between two vectors. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

/**
 * A models folder whose one version links to the real model files (no 115 MB copy), with
 * only the files `keep` accepts (by default no catalogue indexes or intent heads).
 */
export function linkedModelsCopy(keep: (name: string) => boolean = (name) => !name.startsWith('items.') && !name.startsWith('intent.')): { dir: string; version: string } {
  const manifest = currentManifest();
  const dir = mkdtempSync(join(tmpdir(), 'privet-index-'));
  mkdirSync(join(dir, manifest.version));
  for (const file of manifest.files) {
    if (!keep(file.name)) continue;
    symlinkSync(join(versionDir(manifest), file.name), join(dir, manifest.version, file.name));
  }
  const files = manifest.files.filter((f) => keep(f.name));
  const catalogs = manifest.catalogs.filter((c) => keep(c.items));
  const clean = { ...manifest, files, catalogs };
  cpSync(join(repoRoot, 'models/manifest.json'), join(dir, 'manifest.json'));
  writeFileSync(join(dir, manifest.version, 'manifest.json'), JSON.stringify(clean));
  return { dir, version: manifest.version };
}

/**
 * Adds version `to` to a models folder as a copy of version `from` (links stay links), with
 * its own name, creation time and metrics in its manifest, as a trained candidate would be.
 */
export function copyVersion(dir: string, from: string, to: string, created: string, metrics: Record<string, number> = {}): void {
  cpSync(join(dir, from), join(dir, to), { recursive: true, verbatimSymlinks: true });
  const manifest = readJson(join(dir, to, 'manifest.json')) as ModelManifest;
  writeFileSync(join(dir, to, 'manifest.json'), JSON.stringify({ ...manifest, version: to, created, metrics }));
}

/** Replaces one file of a version (a link to the real model) with other bytes, leaving its manifest as it was. */
export function tamperWith(dir: string, version: string, name: string): void {
  rmSync(join(dir, version, name));
  writeFileSync(join(dir, version, name), '{"tampered": true}');
}
