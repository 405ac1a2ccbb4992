/**
 * The model version models/manifest.json points at, read without verifying its files (the
 * registry verifies them when the server starts). The indexer, the developer-page check
 * and the tests read the current manifest through this one function; it sits apart from
 * the indexer so that reading a manifest does not load onnxruntime-node.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest, parsePointer, type ModelManifest } from '../core/manifest.ts';

export function currentVersion(modelsDir: string): { manifest: ModelManifest; versionDir: string } {
  const pointer = parsePointer(JSON.parse(readFileSync(join(modelsDir, 'manifest.json'), 'utf8')));
  const manifest = parseManifest(JSON.parse(readFileSync(join(modelsDir, pointer.manifest), 'utf8')));
  return { manifest, versionDir: join(modelsDir, manifest.version) };
}
