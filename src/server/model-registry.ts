/**
 * The published model versions on disk (models/<version>/manifest.json) and which one is
 * current (models/manifest.json). Every listed file is hashed at load: a server that
 * would hand shoppers a corrupted or tampered model refuses to start instead.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest, parsePointer, type ModelManifest } from '../core/manifest.ts';

export class ModelIntegrityError extends Error {
  override name = 'ModelIntegrityError';
}

export interface ModelRegistry {
  current: ModelManifest;
  versions: ReadonlyMap<string, ModelManifest>;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ModelIntegrityError(`${what} not found at ${path}: run \`npm run export-model\` (or \`npm run setup\`)`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ModelIntegrityError(`${what} at ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

async function verifyVersion(modelsDir: string, version: string): Promise<ModelManifest> {
  const manifestPath = join(modelsDir, version, 'manifest.json');
  let manifest: ModelManifest;
  try {
    manifest = parseManifest(await readJson(manifestPath, `manifest of model ${version}`));
  } catch (err) {
    if (err instanceof ModelIntegrityError) throw err;
    throw new ModelIntegrityError(`${manifestPath}: ${(err as Error).message}`);
  }
  if (manifest.version !== version) {
    throw new ModelIntegrityError(`${manifestPath} names version "${manifest.version}" but lives in "${version}/"`);
  }
  for (const file of manifest.files) {
    const path = join(modelsDir, version, file.name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) throw new ModelIntegrityError(`model ${version}: ${file.name} is listed in its manifest but missing`);
    if (info.size !== file.bytes) {
      throw new ModelIntegrityError(`model ${version}: ${file.name} is ${info.size} bytes, its manifest says ${file.bytes}`);
    }
    const actual = await sha256File(path);
    if (actual !== file.sha256) {
      throw new ModelIntegrityError(
        `model ${version}: sha256 of ${file.name} is ${actual}, its manifest says ${file.sha256}; ` +
          'the file is corrupted or was changed after export — re-run `npm run export-model`',
      );
    }
  }
  return manifest;
}

export async function loadModelRegistry(modelsDir: string): Promise<ModelRegistry> {
  const pointerPath = join(modelsDir, 'manifest.json');
  let pointer;
  try {
    pointer = parsePointer(await readJson(pointerPath, 'current-model pointer'));
  } catch (err) {
    if (err instanceof ModelIntegrityError) throw err;
    throw new ModelIntegrityError(`${pointerPath}: ${(err as Error).message}`);
  }
  const versions = new Map<string, ModelManifest>();
  const entries = await readdir(modelsDir, { withFileTypes: true });
  for (const entry of entries) {
    // Dot-directories are unfinished exports (trainer/export.py writes into one first).
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const hasManifest = await stat(join(modelsDir, entry.name, 'manifest.json')).catch(() => null);
    if (hasManifest) versions.set(entry.name, await verifyVersion(modelsDir, entry.name));
  }
  const current = versions.get(pointer.current);
  if (!current) throw new ModelIntegrityError(`${pointerPath} names version "${pointer.current}", which is not in ${modelsDir}`);
  return { current, versions };
}
