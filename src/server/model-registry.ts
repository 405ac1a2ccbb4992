/**
 * The published model versions on disk (models/<version>/manifest.json) and which one is
 * current (models/manifest.json). Every listed file is hashed at load: a server that
 * would hand shoppers a corrupted or tampered model refuses to start instead. Publishing a
 * trained candidate and rolling back both go through `makeCurrent`, which hashes the
 * version's files again before the pointer moves.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkVersionName, parseManifest, parsePointer, type ModelManifest } from '../core/manifest.ts';

export class ModelIntegrityError extends Error {
  override name = 'ModelIntegrityError';
}

export class StaleBaseError extends Error {
  override name = 'StaleBaseError';
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

const POINTER = 'manifest.json';
/** Candidates that were not published (regressed or failed verification), kept for inspection; dot folders are never loaded. */
export const SET_ASIDE_DIR = '.rejected';

/**
 * Writes the pointer so that no reader (this server after a restart, the catalogue indexer,
 * the trainer) ever sees half of it: a unique temporary file, flushed, then renamed over.
 */
async function writePointer(modelsDir: string, version: string): Promise<void> {
  const tmp = join(modelsDir, `.${POINTER}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify({ current: version, manifest: `${version}/${POINTER}` }, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, join(modelsDir, POINTER));
}

export class ModelRegistry {
  #current: ModelManifest;
  readonly #versions: Map<string, ModelManifest>;
  // Pointer moves one at a time, in the order they were asked for.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(readonly modelsDir: string, current: ModelManifest, versions: Map<string, ModelManifest>) {
    this.#current = current;
    this.#versions = versions;
  }

  /** The version widgets get now (read per request: it changes on publish and rollback). */
  get current(): ModelManifest {
    return this.#current;
  }

  /** Every version whose files passed verification, by name. */
  get versions(): ReadonlyMap<string, ModelManifest> {
    return this.#versions;
  }

  /**
   * Makes `version` (a folder under the models directory: a new candidate or an earlier
   * version) current: its files are hashed afresh, then models/manifest.json is replaced
   * atomically, and only then do the manifest endpoint and file serving follow it. A version
   * that fails verification throws ModelIntegrityError and the current one stays.
   * `onlyIfCurrentIs`: a trained candidate was judged against one version; if a rollback has
   * made another current meanwhile, it throws StaleBaseError instead. `prepare` runs after
   * that check and before verification, in the registry's queue (a candidate's last changes).
   */
  makeCurrent(version: string, onlyIfCurrentIs?: string, prepare?: () => void | Promise<void>): Promise<ModelManifest> {
    return this.exclusive(async () => {
      checkVersionName(version);
      if (onlyIfCurrentIs !== undefined && onlyIfCurrentIs !== this.#current.version) {
        throw new StaleBaseError(`it was evaluated against ${onlyIfCurrentIs}, but ${this.#current.version} is current now`);
      }
      // In the queue, so no other publish moves the pointer between this and the switch.
      await prepare?.();
      let manifest: ModelManifest;
      try {
        manifest = await verifyVersion(this.modelsDir, version);
      } catch (err) {
        // It no longer verifies: stop serving it (the current version is never dropped here).
        if (version !== this.#current.version) this.#versions.delete(version);
        throw err;
      }
      this.#versions.set(version, manifest);
      await writePointer(this.modelsDir, version);
      this.#current = manifest;
      return manifest;
    });
  }

  /**
   * Runs `work` in the registry's queue: no version becomes current while it runs. Whatever
   * writes into the current version on disk (a federated round's ranker, an uploaded
   * catalogue's items) runs here, so a candidate being switched in can neither miss it nor
   * receive it half-written. `work` must not wait on makeCurrent (that queues behind it).
   */
  exclusive<T>(work: () => T | Promise<T>): Promise<T> {
    const next = this.#queue.then(work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Moves a candidate that will not be published out of the versions folder into
   * models/.rejected/ (skipped at load), so that a half-written or tampered folder cannot stop
   * the next start-up. Returns where it went, or null when there was nothing to move.
   */
  async setAside(version: string): Promise<string | null> {
    checkVersionName(version);
    if (version === this.#current.version) throw new Error(`model ${version} is current and cannot be set aside`);
    const from = join(this.modelsDir, version);
    if (!(await stat(from).catch(() => null))) return null;
    await mkdir(join(this.modelsDir, SET_ASIDE_DIR), { recursive: true });
    const to = join(this.modelsDir, SET_ASIDE_DIR, `${version}-${Date.now()}`);
    await rename(from, to);
    this.#versions.delete(version);
    return to;
  }
}

export async function loadModelRegistry(modelsDir: string): Promise<ModelRegistry> {
  const pointerPath = join(modelsDir, POINTER);
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
  return new ModelRegistry(modelsDir, current, versions);
}
