/**
 * Model artefacts in the browser: the manifest from the network, every file checked
 * against the sha256 the manifest lists before any byte of it is used, and verified
 * files kept in Cache Storage by versioned URL so the next page load downloads nothing.
 */
import { manifestFile, parseManifest, type ModelManifest } from '../core/manifest.ts';

export const MODEL_CACHE = 'privet-models';

export class ModelAssetError extends Error {
  override name = 'ModelAssetError';
}

export interface AssetStats {
  fromNetwork: number;
  fromCache: number;
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export async function fetchManifest(manifestUrl: string): Promise<ModelManifest> {
  const response = await fetch(manifestUrl, { cache: 'no-cache' });
  if (!response.ok) throw new ModelAssetError(`manifest ${manifestUrl}: HTTP ${response.status}`);
  return parseManifest(await response.json());
}

export class ModelAssets {
  readonly stats: AssetStats = { fromNetwork: 0, fromCache: 0 };

  private constructor(
    readonly manifestUrl: string,
    readonly manifest: ModelManifest,
    // Absent where Cache Storage is unavailable (e.g. an opaque origin): fetch every time.
    readonly cache: Cache | null,
  ) {}

  static async open(manifestUrl: string, useCache = true): Promise<ModelAssets> {
    const manifest = await fetchManifest(manifestUrl);
    const cache = useCache && typeof caches !== 'undefined' ? await caches.open(MODEL_CACHE).catch(() => null) : null;
    return new ModelAssets(manifestUrl, manifest, cache);
  }

  url(name: string): string {
    return new URL(`/models/${this.manifest.version}/${name}`, this.manifestUrl).href;
  }

  async #verified(name: string, bytes: ArrayBuffer): Promise<boolean> {
    const file = manifestFile(this.manifest, name);
    return bytes.byteLength === file.bytes && hex(await crypto.subtle.digest('SHA-256', bytes)) === file.sha256;
  }

  async bytes(name: string): Promise<ArrayBuffer> {
    const url = this.url(name);
    const cached = await this.cache?.match(url);
    if (cached) {
      const bytes = await cached.arrayBuffer();
      if (await this.#verified(name, bytes)) {
        this.stats.fromCache++;
        return bytes;
      }
      await this.cache!.delete(url); // corrupted or tampered with: fetch afresh
    }
    const response = await fetch(url);
    if (!response.ok) throw new ModelAssetError(`${url}: HTTP ${response.status}`);
    const bytes = await response.arrayBuffer();
    if (!(await this.#verified(name, bytes))) {
      throw new ModelAssetError(`${name} of model ${this.manifest.version} failed sha256 verification`);
    }
    this.stats.fromNetwork++;
    await this.cache?.put(url, new Response(bytes, { headers: { 'Content-Type': 'application/octet-stream' } })).catch(() => undefined);
    return bytes;
  }

  async json<T>(name: string): Promise<T> {
    return JSON.parse(new TextDecoder().decode(await this.bytes(name))) as T;
  }

  /** Deletes cached files of every other model version; returns how many went. */
  async evictOtherVersions(): Promise<number> {
    if (!this.cache) return 0;
    const keep = new URL(`/models/${this.manifest.version}/`, this.manifestUrl).href;
    const stale = (await this.cache.keys()).filter((request) => !request.url.startsWith(keep));
    await Promise.all(stale.map((request) => this.cache!.delete(request)));
    return stale.length;
  }
}
