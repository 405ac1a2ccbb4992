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

/**
 * A small, revalidated document (the manifest, a catalogue feed) with the last good copy
 * kept in Cache Storage: when the store's server is down the widget keeps working from
 * what it saw last, instead of going blank.
 */
export async function fetchRevalidated(url: string, cache: Cache | null): Promise<Response> {
  try {
    const response = await fetch(url, { cache: 'no-cache' });
    if (response.ok) {
      await cache?.put(url, response.clone()).catch(() => undefined);
      return response;
    }
    if (response.status < 500) throw new ModelAssetError(`${url}: HTTP ${response.status}`);
  } catch (err) {
    if (err instanceof ModelAssetError) throw err;
  }
  const cached = await cache?.match(url);
  if (cached) return cached;
  throw new ModelAssetError(`${url} is unreachable and no earlier copy is cached`);
}

async function openCache(useCache: boolean): Promise<Cache | null> {
  return useCache && typeof caches !== 'undefined' ? caches.open(MODEL_CACHE).catch(() => null) : null;
}

export async function fetchManifest(manifestUrl: string, cache: Cache | null = null): Promise<ModelManifest> {
  return parseManifest(await (await fetchRevalidated(manifestUrl, cache)).json());
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
    const cache = await openCache(useCache);
    return new ModelAssets(manifestUrl, await fetchManifest(manifestUrl, cache), cache);
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
    const models = new URL('/models/', this.manifestUrl).href;
    const keep = new URL(`/models/${this.manifest.version}/`, this.manifestUrl).href;
    // Only model files: the last good manifest and catalogue feed stay for offline use.
    const stale = (await this.cache.keys()).filter((request) => request.url.startsWith(models) && !request.url.startsWith(keep));
    await Promise.all(stale.map((request) => this.cache!.delete(request)));
    return stale.length;
  }
}
