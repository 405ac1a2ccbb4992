/**
 * The widget's engine, loaded lazily (a dynamic import from privet.js): the shopper's
 * behaviour store, and the inference worker started only when a shelf nears the viewport
 * or the search box gets focus. Every element on the page shares this one engine.
 */
import type { Placement } from '../core/placements.ts';
import type { Mode } from '../core/modes.ts';
import { chooseMode, eraseBehaviour, openBehaviourStore, type BehaviourEvent, type BehaviourStore } from '../store/behaviour-store.ts';
import type { WidgetConfig } from './config.ts';
import { InferenceClient, type CatalogueInfo, type EncoderInfo, type HistoryEntry, type SearchAnswer, type ShelfAnswer } from './inference-client.ts';
import { fetchManifest } from './model-assets.ts';

/** How much history the shelves read: the ranker looks at the last 50 items. */
const HISTORY_EVENTS = 200;
const HISTORY_TYPES = new Set(['view', 'click', 'add_to_cart', 'purchase']);

export class EngineUnavailableError extends Error {
  override name = 'EngineUnavailableError';
}

function timeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EngineUnavailableError(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

export interface PrivacySummary {
  mode: Mode;
  merchantDefault: Mode;
  events: number;
  /** What the widget downloaded (model files, catalogue) and sent (nothing, until rounds exist). */
  requests: { url: string; bytes: number; purpose: string }[];
  model: { version: string; backend: string } | null;
}

export class WidgetEngine {
  readonly #config: WidgetConfig;
  #store: Promise<BehaviourStore>;
  #client: InferenceClient | null = null;
  #ready: Promise<CatalogueInfo> | null = null;
  /** Set once the catalogue has loaded; the privacy panel never waits for it. */
  #info: CatalogueInfo | null = null;
  #encoder: EncoderInfo | null = null;
  #searching: Promise<unknown> = Promise.resolve();
  #latestSearch = 0;

  constructor(config: WidgetConfig) {
    this.#config = config;
    this.#store = openBehaviourStore(config.defaultMode);
  }

  /** Starts the worker and loads the catalogue once (the encoder follows in the worker). */
  warm(): Promise<CatalogueInfo> {
    this.#ready ??= this.#start();
    return this.#ready;
  }

  async #start(): Promise<CatalogueInfo> {
    const { endpoint } = this.#config;
    const manifestUrl = new URL('v1/manifest', endpoint).href;
    const merchant = this.#config.merchant ?? (await this.#onlyCatalogue(manifestUrl));
    this.#client = new InferenceClient();
    this.#info = await this.#client.start({
      manifestUrl,
      backend: this.#config.backend,
      catalog: merchant,
      catalogUrl: new URL(`v1/catalog/${encodeURIComponent(merchant)}`, endpoint).href,
    });
    return this.#info;
  }

  async #onlyCatalogue(manifestUrl: string): Promise<string> {
    const { catalogs } = await fetchManifest(manifestUrl);
    if (catalogs.length !== 1) throw new EngineUnavailableError(`data-merchant is missing and the server has ${catalogs.length} catalogues`);
    return catalogs[0]!.name;
  }

  /** The text encoder's backend, once it has loaded. */
  async encoder(): Promise<EncoderInfo> {
    await this.warm();
    this.#encoder = await this.#client!.encoder();
    return this.#encoder;
  }

  async #ensureReady(): Promise<{ client: InferenceClient; info: CatalogueInfo }> {
    const info = await timeout(this.warm(), this.#config.timeoutMs, 'loading the store\'s catalogue');
    return { client: this.#client!, info };
  }

  async #history(): Promise<HistoryEntry[]> {
    const events = await (await this.#store).recent(HISTORY_EVENTS);
    return events.filter((e) => HISTORY_TYPES.has(e.type) && e.itemId).map((e) => ({ id: e.itemId!, type: e.type as HistoryEntry['type'], at: e.at }));
  }

  async shelf(placement: Placement, itemIds: string[], k: number): Promise<ShelfAnswer> {
    const { client } = await this.#ensureReady();
    // Recently viewed leaves out what the page itself shows (data-privet-view).
    if (placement === 'recently-viewed' && itemIds.length === 0) {
      itemIds = [...document.querySelectorAll<HTMLElement>('[data-privet-view]')].flatMap((el) => el.dataset.privetView?.trim() || []);
    }
    return client.shelf({ placement, itemIds, history: await this.#history(), k });
  }

  /**
   * Answers only the newest query: while one search runs, queries typed meanwhile wait, and
   * all but the last of them are dropped without reaching the worker (null).
   */
  async search(query: string, k: number): Promise<SearchAnswer | null> {
    const ticket = ++this.#latestSearch;
    const previous = this.#searching;
    const run = (async () => {
      await previous.catch(() => undefined);
      if (ticket !== this.#latestSearch) return null;
      const { client } = await this.#ensureReady();
      const answer = await client.search({ query, k, history: await this.#history() });
      return ticket === this.#latestSearch ? answer : null;
    })();
    this.#searching = run;
    return run;
  }

  async track(event: Omit<BehaviourEvent, 'at'> & { at?: number }): Promise<void> {
    await (await this.#store).add({ ...event, at: event.at ?? Date.now() });
  }

  async mode(): Promise<Mode> {
    return (await this.#store).mode;
  }

  async setMode(mode: Mode): Promise<void> {
    const current = await this.#store;
    current.close(); // an open connection would block erasing
    this.#store = chooseMode(mode);
    await this.#store;
  }

  /** Erases every event and the mode choice; the merchant's default applies again. */
  async erase(): Promise<void> {
    (await this.#store).close();
    await eraseBehaviour();
    this.#store = openBehaviourStore(this.#config.defaultMode);
  }

  async privacySummary(): Promise<PrivacySummary> {
    const store = await this.#store;
    const origin = this.#config.endpoint.origin;
    const page = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    // Only ask a worker that has finished loading: a loading one answers after the model.
    const worker = this.#info && this.#client ? await this.#client.requests().catch(() => []) : [];
    const requests = [...page.map((e) => ({ url: e.name, bytes: e.transferSize || e.encodedBodySize })), ...worker]
      .filter((r) => new URL(r.url).origin === origin && !/\.(css|svg|png|jpe?g|webp|ico)$/.test(new URL(r.url).pathname))
      .map((r) => ({ ...r, purpose: purposeOf(new URL(r.url).pathname) }));
    return {
      mode: store.mode,
      merchantDefault: this.#config.defaultMode,
      events: await store.count(),
      requests,
      model: this.#info ? { version: this.#info.version, backend: this.#encoder?.backend ?? 'loading' } : null,
    };
  }
}

function purposeOf(path: string): string {
  if (path.startsWith('/models/') || path === '/v1/manifest') return 'download the public model';
  if (path.startsWith('/v1/catalog/')) return 'download the store catalogue';
  if (path.endsWith('.js') || path.endsWith('.wasm')) return 'download the widget code';
  return 'page asset';
}
