/**
 * Writing into a model version's folder: every file lands whole or not at all (a temp file,
 * flushed to disk, then renamed over the name), and is described for its manifest by size and
 * sha256, which the registry and the widget check before use.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import type { ManifestFile } from '../core/manifest.ts';

export function describeBytes(name: string, bytes: Uint8Array, dtype: string): ManifestFile {
  return { name, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex'), dtype };
}

export function writeAtomically(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    // On disk before the rename: a crash must not leave a manifest naming an empty file.
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
