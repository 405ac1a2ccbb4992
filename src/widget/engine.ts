/**
 * The widget's engine, loaded lazily (a dynamic import from privet.js): the shopper's
 * behaviour store, the inference worker started only when a shelf nears the viewport or the
 * search box gets focus, and the learner worker that adapts the ranker to this shopper on
 * their device. Every element on the page shares this one engine. It also answers the
 * privacy panel: the audit report, the export, erase and the choice of mode.
 */
import { auditReport, dataExport, type AuditReport, type CacheDump, type DataExport, type DeviceState } from '../core/audit-report.ts';
import { isWanted, type BehaviourEvent } from '../core/behaviour-event.ts';
import type { Placement } from '../core/placements.ts';
import type { Mode } from '../core/modes.ts';
import { chooseMode, eraseBehaviour, openBehaviourStore, savedMode, type BehaviourStore } from '../store/behaviour-store.ts';
import type { RequestRecord } from '../store/schema.ts';
import type { WidgetConfig } from './config.ts';
import { InferenceClient, type CatalogueInfo, type EncoderInfo, type HistoryEntry, type SearchAnswer, type ShelfAnswer } from './inference-client.ts';
import { MIN_IDLE_MS } from '../core/federated-eligibility.ts';
import { LearnerClient } from './learner-client.ts';
import { fetchManifest, MODEL_CACHE } from './model-assets.ts';
import { resourceRequests, type ResourceRequest } from './resource-requests.ts';
import { retentionPolicy } from './retention-attributes.ts';
import type { RetentionPolicy } from '../core/retention.ts';

/** How much history the shelves read: the ranker looks at the last 50 items. */
const HISTORY_EVENTS = 200;
const persistent = (mode: Mode) => mode !== 'off';
/** When on-device learning runs (#learnSoon): after the last event, the encoder's load, and an idle moment. */
const LEARN_DELAY_MS = 1_500;
const LEARN_ENCODER_WAIT_MS = 15_000;
const LEARN_IDLE_WAIT_MS = 5_000;
/**
 * In mode contribute, how often a page that could join looks for a new round: rounds take
 * check-ins for tens of seconds (the demo's: 45 s every 2 min), so a check at page load alone
 * would rarely meet one. A device that could not join (too few new events) does not look.
 */
const ROUND_RECHECK_MS = 30_000;

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

export class WidgetEngine {
  readonly #config: WidgetConfig;
  readonly #retention: RetentionPolicy;
  #store: Promise<BehaviourStore>;
  #client: InferenceClient | null = null;
  #ready: Promise<CatalogueInfo> | null = null;
  /** Set once the catalogue has loaded; the privacy panel never waits for it. */
  #info: CatalogueInfo | null = null;
  #encoder: EncoderInfo | null = null;
  #searching: Promise<unknown> = Promise.resolve();
  #latestSearch = 0;
  #learner: LearnerClient | null = null;
  #learnScheduled = false;
  /** Bumped by #stopWorkers: work started under an earlier mode sees the change and stands down. */
  #generation = 0;
  /** Requests of this page already written to the network log (url@time). */
  readonly #logged = new Set<string>();
  /** Counts erases, so a network-log write begun before one is dropped (it belongs to what was erased). */
  #erasures = 0;
  /** When the shopper last interacted with the page: a federated round starts only after MIN_IDLE_MS without. */
  #lastInteraction = Date.now();
  #contributeScheduled = false;

  constructor(config: WidgetConfig) {
    this.#config = config;
    this.#retention = retentionPolicy(config.retention);
    this.#store = openBehaviourStore(config.defaultMode, this.#retention);
    const interacted = () => (this.#lastInteraction = Date.now());
    for (const type of ['pointerdown', 'keydown', 'wheel', 'touchstart']) addEventListener(type, interacted, { capture: true, passive: true });
  }

  /** Starts the worker and loads the catalogue once (the encoder follows in the worker). */
  warm(): Promise<CatalogueInfo> {
    this.#ready ??= this.#start();
    return this.#ready;
  }

  async #start(): Promise<CatalogueInfo> {
    const generation = this.#generation;
    const { endpoint } = this.#config;
    const manifestUrl = new URL('v1/manifest', endpoint).href;
    const merchant = this.#config.merchant ?? (await this.#onlyCatalogue(manifestUrl));
    const store = await this.#store;
    // The mode changed (or an erase ran) while this start waited: start again under the new one.
    if (generation !== this.#generation) return this.warm();
    const { mode } = store;
    const client = (this.#client = new InferenceClient());
    let info: CatalogueInfo;
    try {
      info = await client.start({
        manifestUrl,
        backend: this.#config.backend,
        catalog: merchant,
        catalogUrl: new URL(`v1/catalog/${encodeURIComponent(merchant)}`, endpoint).href,
        // Mode off keeps nothing, not even the public model: the browser's HTTP cache only.
        useCache: persistent(mode),
      });
    } catch (err) {
      if (generation !== this.#generation) return this.warm(); // stopped by a mode change: not a failure
      throw err;
    }
    if (generation !== this.#generation) return this.warm();
    this.#info = info;
    void this.#logRequests();
    // Learns from what earlier pages recorded (a first visit has nothing: no learner yet).
    if (persistent(mode) && (await store.count()) > 0) this.#learnSoon();
    return info;
  }

  /**
   * Learning is never urgent, and on a two-core device it competes with the page and with the
   * inference worker's encoder load (measured: the returning visit's main-thread long tasks
   * went from 1 to 4 when it ran at once). So: a moment after the last event, once the
   * encoder has loaded (or failed), in an idle period.
   */
  #learnSoon(): void {
    if (this.#learnScheduled) return;
    this.#learnScheduled = true;
    const generation = this.#generation;
    // Safari has no requestIdleCallback: a plain delay stands in for it.
    const idle = (resolve: () => void) => ('requestIdleCallback' in globalThis ? requestIdleCallback(() => resolve(), { timeout: LEARN_IDLE_WAIT_MS }) : setTimeout(resolve, LEARN_DELAY_MS));
    setTimeout(() => {
      const encoderDone = this.#client ? this.#client.encoder().catch(() => undefined) : Promise.resolve();
      void Promise.race([encoderDone, new Promise((resolve) => setTimeout(resolve, LEARN_ENCODER_WAIT_MS))])
        .then(() => new Promise<void>(idle))
        .then(() => {
          // A mode change or an erase since this was scheduled cancels it (#stopWorkers).
          if (generation !== this.#generation) return;
          this.#learnScheduled = false;
          return this.#learn();
        });
    }, LEARN_DELAY_MS);
  }

  async #learn(): Promise<unknown> {
    const { mode } = await this.#store;
    if (!this.#info?.catalog || !persistent(mode)) return;
    this.#learner ??= new LearnerClient({ manifestUrl: new URL('v1/manifest', this.#config.endpoint).href, catalog: this.#info.catalog.name });
    const learned = await this.#learner.learn();
    if (mode === 'contribute') this.#contributeWhenIdle();
    return learned;
  }

  /**
   * Looks for the merchant's open training round once the shopper has left the page alone for
   * MIN_IDLE_MS (the learner worker decides whether this device joins). Not in off or local.
   */
  #contributeWhenIdle(): void {
    if (this.#contributeScheduled) return;
    this.#contributeScheduled = true;
    const generation = this.#generation;
    const attempt = async () => {
      if (generation !== this.#generation) return;
      const idleFor = Date.now() - this.#lastInteraction;
      if (idleFor < MIN_IDLE_MS) return void setTimeout(() => void attempt(), MIN_IDLE_MS - idleFor);
      this.#contributeScheduled = false;
      const [learner, catalog] = [this.#learner, this.#info?.catalog];
      if (!learner || !catalog || (await this.#store).mode !== 'contribute') return;
      const result = await learner.contribute({ endpoint: this.#config.endpoint.href, merchant: catalog.name, idleSince: this.#lastInteraction });
      // Ineligible (too few new events, another model): the next learned event starts this again.
      if (result && result.status !== 'ineligible' && generation === this.#generation) setTimeout(() => this.#contributeWhenIdle(), ROUND_RECHECK_MS);
    };
    void attempt();
  }

  /**
   * Stops both workers and cancels scheduled learning (a new worker starts on the next
   * shelf): erase and mode `off` must not leave one writing, or starting under the old mode.
   */
  async #stopWorkers(): Promise<void> {
    this.#generation++;
    this.#learnScheduled = false;
    this.#contributeScheduled = false;
    await this.#learner?.settled();
    this.#learner?.terminate();
    this.#client?.terminate();
    [this.#learner, this.#client, this.#ready, this.#info, this.#encoder] = [null, null, null, null, null];
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
    return events.flatMap(({ type, itemId, at }) => (isWanted(type) && itemId ? [{ id: itemId, type, at }] : []));
  }

  async shelf(placement: Placement, itemIds: string[], k: number): Promise<ShelfAnswer> {
    const { client } = await this.#ensureReady();
    // Recently viewed leaves out what the page itself shows (data-privet-view).
    if (placement === 'recently-viewed' && itemIds.length === 0) {
      itemIds = [...document.querySelectorAll<HTMLElement>('[data-privet-view]')].flatMap((el) => el.dataset.privetView?.trim() || []);
    }
    const store = await this.#store;
    const profile = placement === 'for-you' && persistent(store.mode) ? await store.profile() : null;
    const answer = await client.shelf({ placement, itemIds, history: await this.#history(), k, ...(profile && { personal: { ranker: profile.ranker, offset: profile.offset } }) });
    void this.#logRequests();
    return answer;
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
      void this.#logRequests();
      return ticket === this.#latestSearch ? answer : null;
    })();
    this.#searching = run;
    return run;
  }

  async track(event: Omit<BehaviourEvent, 'at'> & { at?: number }): Promise<void> {
    const store = await this.#store;
    await store.add({ ...event, at: event.at ?? Date.now() });
    if (persistent(store.mode) && isWanted(event.type)) this.#learnSoon();
  }

  async mode(): Promise<Mode> {
    return (await this.#store).mode;
  }

  /**
   * The new store replaces the old one at once, before any await: an event tracked while the
   * old one closes waits for the new store, never writes under the old mode.
   */
  async setMode(mode: Mode): Promise<void> {
    const previous = this.#store;
    this.#store = (async () => {
      (await previous).close(); // an open connection would block erasing
      if (mode === 'off') {
        await this.#stopWorkers();
        await deleteModelCache();
      } else if (mode !== 'contribute') {
        await this.#learner?.stopContributing().catch(() => undefined);
      }
      return chooseMode(mode, this.#retention);
    })();
    await this.#store;
  }

  /**
   * Erases everything the widget wrote on this device: every store and the cached model
   * files. The mode choice goes too, so the merchant's default applies again, except a
   * shopper's own `off`: erasing must never loosen it (it is rewritten, alone).
   */
  async erase(): Promise<void> {
    this.#erasures++;
    // The page's requests so far are part of what is erased: the log starts again after this.
    for (const request of resourceRequests()) this.#logged.add(`${request.url}@${request.at}`);
    const previous = this.#store;
    this.#store = (async () => {
      (await previous).close();
      const keepOff = (await savedMode()) === 'off';
      await this.#stopWorkers();
      await eraseBehaviour();
      await deleteModelCache();
      return keepOff ? chooseMode('off', this.#retention) : openBehaviourStore(this.#config.defaultMode, this.#retention);
    })();
    await this.#store;
  }

  /** The text encoder's backend once it has loaded on this page, else null (the panel never waits for it). */
  async backend(): Promise<string | null> {
    return this.#encoder?.backend ?? null;
  }

  /** Every record of every store and the cached files, each store described: the shopper's export. */
  async exportData(): Promise<DataExport> {
    return dataExport(await this.#deviceState());
  }

  /** The machine-readable audit report (docs/privacy.md); the privacy panel shows it in words. */
  async audit(): Promise<AuditReport> {
    await this.#logRequests();
    return auditReport(await this.#deviceState());
  }

  async #deviceState(): Promise<DeviceState> {
    const store = await this.#store;
    const stores = await store.contents();
    const estimate = await navigator.storage?.estimate?.().catch(() => null);
    return {
      now: Date.now(),
      origin: location.origin,
      mode: store.mode,
      merchantDefault: this.#config.defaultMode,
      persistent: persistent(store.mode),
      retention: store.retention,
      stores,
      caches: await cachedFiles(),
      requests: (stores.find((s) => s.name === 'requests')?.records ?? []).map((r) => r.value as RequestRecord),
      ...(await store.health()),
      storage: estimate ? { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0 } : null,
      model: this.#info ? { version: this.#info.version, dp: this.#info.dp } : null,
    };
  }

  /**
   * Writes this page's new widget requests to the network log: the page's own (privet.js
   * chunks, the manifest when the merchant named no catalogue) and both workers' (model
   * files, the catalogue feed). Cache Storage hits are not requests and do not appear.
   */
  async #logRequests(): Promise<void> {
    const erasures = this.#erasures;
    const workers = await Promise.all([
      this.#info && this.#client ? this.#client.requests().catch(() => []) : [],
      this.#learner ? this.#learner.requests().catch(() => []) : [],
    ]);
    const fresh: RequestRecord[] = [];
    const add = (requests: ResourceRequest[], context: string) => {
      for (const request of requests) {
        const key = `${request.url}@${request.at}`;
        if (this.#logged.has(key) || !this.#isWidgetRequest(request.url, context)) continue;
        this.#logged.add(key);
        // The widget only downloads today (the interception test checks every request); the
        // federated client will log its uploads with their bytes itself.
        fresh.push({ at: request.at, method: 'GET', url: request.url, purpose: purposeOf(new URL(request.url).pathname), bytesSent: 0, bytesReceived: request.bytes, context });
      }
    };
    add(resourceRequests(), 'page');
    add(workers[0], 'inference worker');
    add(workers[1], 'learner worker');
    const store = await this.#store;
    // Erased while the workers were asked: writing now would re-create the database with old requests.
    if (erasures !== this.#erasures) return;
    await store.logRequests(fresh).catch((err: unknown) => console.warn(`privet: could not extend the network log (${(err as Error).message})`));
  }

  /** On the page, only the widget's own files (its code, the model, the feed), not the store's pages and images. */
  #isWidgetRequest(url: string, context: string): boolean {
    const parsed = new URL(url);
    if (!parsed.protocol.startsWith('http')) return false;
    if (context !== 'page') return true;
    const base = this.#config.endpoint;
    if (parsed.origin !== base.origin || !parsed.pathname.startsWith(base.pathname)) return false;
    const path = parsed.pathname.slice(base.pathname.length);
    return path === 'privet.js' || /^(assets|v1|models)\//.test(path);
  }
}

async function deleteModelCache(): Promise<void> {
  if (typeof caches !== 'undefined') await caches.delete(MODEL_CACHE);
}

/** The widget's Cache Storage, listed without creating it (caches.open would). */
async function cachedFiles(): Promise<CacheDump[]> {
  if (typeof caches === 'undefined' || !(await caches.has(MODEL_CACHE))) return [];
  const cache = await caches.open(MODEL_CACHE);
  const entries = await Promise.all((await cache.keys()).map(async (request) => ({ url: request.url, bytes: (await (await cache.match(request))?.blob())?.size ?? 0 })));
  return [{ name: MODEL_CACHE, description: 'The public model files, the catalogue and its feed as last downloaded, so the next page loads them without the network. Nothing about you.', entries }];
}

function purposeOf(path: string): string {
  if (path.startsWith('/models/') || path === '/v1/manifest') return 'download the public model';
  if (path.startsWith('/v1/catalog/')) return 'download the store catalogue';
  if (path.endsWith('.js') || path.endsWith('.wasm')) return 'download the widget code';
  return 'widget asset';
}
