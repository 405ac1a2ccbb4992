/**
 * Fetching model artefacts in the browser: the manifest, then each file checked against
 * the sha256 the manifest lists before any byte of it is used.
 */
import { manifestFile, parseManifest, type ModelManifest } from '../core/manifest.ts';

export class ModelAssetError extends Error {
  override name = 'ModelAssetError';
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export async function fetchManifest(manifestUrl: string): Promise<ModelManifest> {
  const response = await fetch(manifestUrl, { cache: 'no-cache' });
  if (!response.ok) throw new ModelAssetError(`manifest ${manifestUrl}: HTTP ${response.status}`);
  return parseManifest(await response.json());
}

/** URL of a file of `manifest`, relative to the server that published it. */
export function modelFileUrl(manifestUrl: string, manifest: ModelManifest, name: string): string {
  return new URL(`/models/${manifest.version}/${name}`, manifestUrl).href;
}

export async function fetchVerified(manifestUrl: string, manifest: ModelManifest, name: string): Promise<ArrayBuffer> {
  const file = manifestFile(manifest, name);
  const url = modelFileUrl(manifestUrl, manifest, name);
  const response = await fetch(url);
  if (!response.ok) throw new ModelAssetError(`${url}: HTTP ${response.status}`);
  const bytes = await response.arrayBuffer();
  const digest = hex(await crypto.subtle.digest('SHA-256', bytes));
  if (bytes.byteLength !== file.bytes || digest !== file.sha256) {
    throw new ModelAssetError(`${name} of model ${manifest.version} failed verification (sha256 ${digest}, expected ${file.sha256})`);
  }
  return bytes;
}

export async function fetchVerifiedJson(manifestUrl: string, manifest: ModelManifest, name: string): Promise<object> {
  const bytes = await fetchVerified(manifestUrl, manifest, name);
  return JSON.parse(new TextDecoder().decode(bytes)) as object;
}
