/**
 * The inference worker: tokenizer + onnxruntime-web + the catalogue's item matrix, off
 * the main thread, exposed with comlink. It wires src/core to the runtime and to the
 * verified, cached model files; the maths lives in src/core.
 */
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web';
// The WebGPU-capable (JSEP) build also runs the WASM execution provider; served by us.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import { parseAudienceIntent } from '../src/core/audience-intent.ts';
import type { WantedType } from '../src/core/behaviour-event.ts';
import type { BusinessRules, PriceRange } from '../src/core/business-rules.ts';
import { parseCatalog, type Product } from '../src/core/catalog.ts';
import { CatalogRanker, type RankedItem } from '../src/core/catalog-ranker.ts';
import { batchSizeFor, SentenceEncoder } from '../src/core/encoder.ts';
import { parseIntentHead, predictIntents, type IntentHead, type IntentPrediction } from '../src/core/intent-head.ts';
import { parseItemMatrix } from '../src/core/item-matrix.ts';
import type { Placement } from '../src/core/placements.ts';
import { manifestCatalog, manifestFile, type Backend } from '../src/core/manifest.ts';
import type { Neighbours } from '../src/core/neighbours.ts';
import { revenueScale, type Objective } from '../src/core/objective.ts';
import { budgetCap, parsePriceIntent } from '../src/core/price-intent.ts';
import { explainRow, parseRanker, rankerForward, type RankerContext, type RankerWeights } from '../src/core/ranker.ts';
import {
  featured,
  forYou,
  goesWellWith,
  keywordResults,
  profileVector,
  recentlyViewed,
  searchResults,
  similar,
  type Recommendation,
  type RecContext,
} from '../src/core/recommendations.ts';
import { TextTokenizer } from '../src/core/tokenize.ts';
import { fetchRevalidated, ModelAssets } from '../src/widget/model-assets.ts';
import { resourceRequests, type ResourceRequest } from '../src/widget/resource-requests.ts';

ort.env.wasm.wasmPaths = { wasm: ortWasmUrl };
ort.env.logLevel = 'error';
// Several threads need cross-origin isolation (COOP/COEP), which most stores do not send.
ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency) : 1;

export type BackendChoice = Backend | 'auto';

export interface EngineInit {
  manifestUrl: string;
  /** 'auto': WebGPU when a hardware adapter passes a self-test, otherwise WASM. */
  backend?: BackendChoice;
  /** Overrides the manifest's file for the backend (the parity tests pin fp32). */
  dtype?: 'int8' | 'fp32';
  /** Name of a catalogue embedded in the manifest, needed by rank(). */
  catalog?: string;
  /** The store's catalogue feed (prices, stock, titles), needed by recommend(). */
  catalogUrl?: string;
  useCache?: boolean;
}

/** What start() loaded: the manifest and the catalogue, enough for every shelf. */
export interface CatalogueInfo {
  version: string;
  dims: number;
  /** The model's differential-privacy guarantee as published (rounds 0: no shopper data). */
  dp: { epsilon: number; delta: number; rounds: number };
  catalog: { name: string; rows: number; intents: number } | null;
  loadMs: number;
  assets: { fromNetwork: number; fromCache: number; evicted: number };
}

/** The text encoder, once loaded: needed by search, embed and rank-by-text. */
export interface EncoderInfo {
  backend: Backend;
  /** Why this backend: shown to developers, recorded by benchmarks. */
  reason: string;
  dtype: string;
  threads: number;
  /**
   * Why the text encoder is unavailable (null when it runs). With a catalogue the worker
   * still serves every shelf from the item matrix, and search falls back to keywords.
   */
  encoderError: string | null;
  /** From start() until the encoder was ready. */
  encoderMs: number;
}

export type EngineInfo = CatalogueInfo & EncoderInfo;

export interface RecommendRequest {
  /** Product ids the shopper viewed or bought, oldest first (this session's or IndexedDB's). */
  history: string[];
  k: number;
  /** MMR trade-off, 1 = pure relevance (default 0.8). */
  lambda?: number;
  /** Default: in stock only, history items left out. */
  rules?: Omit<BusinessRules, 'excludeRows'>;
  objective?: Objective;
  /** Leave the history's own items out (default true: they have their own shelf). */
  excludeHistory?: boolean;
}

export interface RankRequest {
  /** Rank by the embedding of this text (a query, or a product's text)... */
  text?: string;
  /** ...or by the stored embedding of this catalogue item. */
  itemId?: string;
  k: number;
  excludeIds?: string[];
}

/** One thing the shopper did, as the shelves read it (from IndexedDB or this page's memory). */
export interface HistoryEntry {
  id: string;
  type: WantedType;
  at: number;
}

export interface ShelfRequest {
  placement: Placement;
  /** similar: the product on the page; goes-well-with: the cart; recently-viewed: products to leave out. */
  itemIds?: string[];
  /** Oldest first. */
  history: HistoryEntry[];
  k: number;
  objective?: Objective;
  /** The learner worker's personal offset δ for this shopper, and the ranker file it was learned for. */
  personal?: PersonalOffset;
}

export interface PersonalOffset {
  ranker: string;
  offset: number[];
}

export interface ShelfItem {
  product: Product;
  reason: string;
  currency: string;
}

export interface ShelfAnswer {
  items: ShelfItem[];
  /** The shelf actually served: for-you on a first visit serves trending instead. */
  served: Placement | 'featured';
  ms: number;
}

export interface SearchRequest {
  query: string;
  k: number;
  history: HistoryEntry[];
}

export interface SearchAnswer {
  items: ShelfItem[];
  intents: IntentPrediction | null;
  /** What the query asked for beyond its meaning, shown as chips and applied as rules. */
  constraints: { price: PriceRange | null; tag: string | null; tagPhrase: string | null };
  /** 'keywords' when the encoder failed to load; 'keywords-while-loading' before it has. */
  method: 'model' | 'keywords' | 'keywords-while-loading';
  /**
   * The embedding the intent head read (of the query without its price phrase) and the model
   * version whose encoder made it, when the model answered: kept with the search on this device
   * for the head's federated update (mode contribute only).
   */
  embedding: { values: number[]; model: string } | null;
  ms: number;
}

async function webgpuCandidate(requested: BackendChoice): Promise<{ ok: boolean; reason: string }> {
  if (requested === 'wasm') return { ok: false, reason: 'WASM requested' };
  const gpu = 'gpu' in navigator ? navigator.gpu : undefined;
  if (!gpu) return { ok: false, reason: 'this browser has no WebGPU' };
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return { ok: false, reason: 'no WebGPU adapter' };
  // Chromium reports this on adapter.info; older builds on the adapter itself.
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const software = info?.isFallbackAdapter ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
  // A software adapter (SwiftShader) is ~100x slower than WASM: only use it when asked to.
  if (software && requested === 'auto') return { ok: false, reason: 'the WebGPU adapter is a software fallback, slower than WASM' };
  return { ok: true, reason: software ? 'WebGPU requested (software adapter)' : 'WebGPU adapter passed the self-test' };
}

/** A unit-length, finite embedding of a fixed text: catches broken kernels and drivers. */
async function selfTest(encoder: SentenceEncoder<ort.Tensor>): Promise<void> {
  const [vector] = await encoder.embed(['privet self-test: a gift for a chemistry teacher']);
  const norm = Math.hypot(...vector!);
  if (!vector!.every(Number.isFinite) || Math.abs(norm - 1) > 1e-3) throw new Error(`self-test embedding has norm ${norm}`);
}

let state: {
  assets: ModelAssets;
  tokenizer: TextTokenizer;
  /** Settles when the encoder has loaded or failed; never rejects. */
  encoding: Promise<EncoderInfo>;
  encoder: SentenceEncoder<ort.Tensor> | null;
  backend: Backend;
  ranker: CatalogRanker | null;
  intents: IntentHead | null;
  /** Everything the shelves and search read; needs the catalogue feed. */
  store: StoreContext | null;
  fallbackReason: string | null;
} | null = null;

interface StoreContext {
  shelves: RecContext;
  /** The catalogue's ranker, when one is published for it. */
  /** `file`: the manifest's ranker file, which names the version a personal offset belongs to. */
  ranker: { file: string; weights: RankerWeights; context: RankerContext } | null;
  tags: ReadonlySet<string>;
  /** What "cheap" means in this store (budgetCap of its prices). */
  budget: number;
  /** ISO 4217, for the cards' prices. */
  currency: string;
  /** Co-occurrence lists; empty until catalogues publish order data (goes-well-with then complements by text). */
  neighbours: Neighbours;
}

/** The catalogue feed, row for row with the item matrix (the manifest's ids fix the order). */
async function catalogRows(url: string, ids: readonly string[], cache: Cache | null): Promise<{ products: Product[]; currency: string }> {
  const response = await fetchRevalidated(url, cache);
  const feed = parseCatalog(await response.json());
  const byId = new Map(feed.products.map((p) => [p.id, p]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length) throw new Error(`catalog feed ${url} lacks ${missing.length} indexed products (first: ${missing[0]}); re-index the catalogue`);
  return { products: ids.map((id) => byId.get(id)!), currency: feed.currency };
}

async function createEncoder(assets: ModelAssets, tokenizer: TextTokenizer, backend: Backend, file: string) {
  const session = await ort.InferenceSession.create(new Uint8Array(await assets.bytes(file)), {
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
    // ORT's own warnings (e.g. shape ops placed on the CPU under WebGPU) reach the page's
    // console as errors; a merchant's console is not the place for them.
    logSeverityLevel: 3,
  });
  const dtype = manifestFile(assets.manifest, file).dtype;
  const { dims, output } = assets.manifest;
  return { encoder: new SentenceEncoder({ tokenizer, session, Tensor: ort.Tensor, dims, outputName: output, batchSize: batchSizeFor(dtype) }), dtype };
}

/** Runs `work` on the current encoder; a WebGPU failure switches to WASM and retries once. */
async function withFallback<T>(work: (encoder: SentenceEncoder<ort.Tensor>) => Promise<T>): Promise<T> {
  if (!state) throw new Error('inference worker: call init() first');
  const { encoderError } = await state.encoding;
  if (!state.encoder) throw new Error(`inference worker: the text encoder is unavailable (${encoderError})`);
  try {
    return await work(state.encoder);
  } catch (err) {
    if (state.backend !== 'webgpu') throw err;
    const wasm = await createEncoder(state.assets, state.tokenizer, 'wasm', state.assets.manifest.backends.wasm);
    Object.assign(state, { ...wasm, backend: 'wasm', fallbackReason: `WebGPU failed (${(err as Error).message}); using WASM` });
    return work(state.encoder);
  }
}

/** WebGPU when a candidate adapter passes the self-test, else WASM; never rejects. */
async function loadEncoder(
  assets: ModelAssets,
  tokenizer: TextTokenizer,
  options: EngineInit,
  started: number,
): Promise<{ info: EncoderInfo; encoder: SentenceEncoder<ort.Tensor> | null }> {
  const { manifest } = assets;
  const fileFor = (backend: Backend) => (options.dtype ? `encoder.${options.dtype}.onnx` : manifest.backends[backend]);
  const candidate = await webgpuCandidate(options.backend ?? 'auto');
  let backend: Backend = 'wasm';
  let reason = candidate.reason;
  let built: Awaited<ReturnType<typeof createEncoder>> | null = null;
  if (candidate.ok) {
    try {
      built = await createEncoder(assets, tokenizer, 'webgpu', fileFor('webgpu'));
      await selfTest(built.encoder);
      backend = 'webgpu';
    } catch (err) {
      built = null;
      reason = `WebGPU failed (${(err as Error).message}); using WASM`;
    }
  }
  let encoderError: string | null = null;
  try {
    built ??= await createEncoder(assets, tokenizer, 'wasm', fileFor('wasm'));
  } catch (err) {
    encoderError = (err as Error).message;
  }
  const threads = backend === 'wasm' ? (ort.env.wasm.numThreads ?? 1) : 0;
  return {
    info: { backend, reason, dtype: built?.dtype ?? 'none', threads, encoderError, encoderMs: performance.now() - started },
    encoder: built?.encoder ?? null,
  };
}

const api = {
  /** start() and the encoder together: for callers that want everything loaded at once. */
  async init(options: EngineInit): Promise<EngineInfo> {
    const catalogue = await api.start(options);
    const encoder = await state!.encoding;
    if (encoder.encoderError && !options.catalog) throw new Error(encoder.encoderError);
    // The asset counts once the encoder's files are in too.
    return { ...catalogue, ...encoder, assets: { ...state!.assets.stats, evicted: catalogue.assets.evicted } };
  },

  /**
   * Loads the manifest and the catalogue (item matrix, intent head, ranker, feed) and
   * starts loading the text encoder without waiting for it: shelves need only the
   * catalogue, so they appear before the encoder's megabytes have arrived and compiled.
   * encoder() says when it is ready; search and embed wait for it themselves.
   */
  async start(options: EngineInit): Promise<CatalogueInfo> {
    const started = performance.now();
    const assets = await ModelAssets.open(options.manifestUrl, options.useCache ?? true);
    const { manifest } = assets;
    const tokenizer = new TextTokenizer(
      await assets.json<object>('tokenizer.json'),
      await assets.json<object>('tokenizer_config.json'),
      manifest.max_tokens,
    );
    const loading = loadEncoder(assets, tokenizer, options, started);

    let ranker: CatalogRanker | null = null;
    let intents: IntentHead | null = null;
    let store: StoreContext | null = null;
    if (options.catalog) {
      const entry = manifestCatalog(manifest, options.catalog);
      ranker = new CatalogRanker(parseItemMatrix(await assets.bytes(entry.items)), await assets.json<string[]>(entry.ids));
      if (entry.intent_head) intents = parseIntentHead(await assets.json<unknown>(entry.intent_head));
      if (options.catalogUrl) {
        const { products, currency } = await catalogRows(options.catalogUrl, ranker.ids, assets.cache);
        // No order data is published for catalogues yet: co-occurrence and popularity stay off.
        store = {
          shelves: { products, matrix: ranker.matrix, revenueScale: revenueScale(products) },
          ranker: entry.ranker ? { file: entry.ranker, weights: parseRanker(await assets.json<unknown>(entry.ranker)), context: { matrix: ranker.matrix, neighbours: null, popularity: null } } : null,
          tags: new Set(products.flatMap((p) => p.tags.map((t) => t.toLowerCase()))),
          budget: budgetCap(products.map((p) => p.price)),
          currency,
          neighbours: { offsets: new Uint32Array(products.length + 1), rows: new Uint32Array(0), weights: new Float32Array(0) },
        };
      }
    }
    const loaded: NonNullable<typeof state> = { assets, tokenizer, encoding: null!, encoder: null, backend: 'wasm', ranker, intents, store, fallbackReason: null };
    loaded.encoding = loading.then(({ info, encoder }) => {
      Object.assign(loaded, { encoder, backend: info.backend });
      return info;
    });
    state = loaded;
    const evicted = await assets.evictOtherVersions();
    return {
      version: manifest.version,
      dims: manifest.dims,
      dp: manifest.dp,
      catalog: ranker && options.catalog ? { name: options.catalog, rows: ranker.matrix.rows, intents: intents?.categories.length ?? 0 } : null,
      loadMs: performance.now() - started,
      assets: { ...assets.stats, evicted },
    };
  },

  /** The encoder's backend once it has loaded (or why it could not). */
  encoder(): Promise<EncoderInfo> {
    if (!state) throw new Error('inference worker: call start() first');
    return state.encoding;
  },

  async embed(texts: string[]): Promise<Float32Array[]> {
    const vectors = await withFallback((encoder) => encoder.embed(texts));
    return Comlink.transfer(vectors, vectors.map((v) => v.buffer as ArrayBuffer));
  },

  /**
   * The top `k` catalogue items for a text or an item. For a text, the intents come with
   * them from the same embedding, so a search box needs one call and one model run.
   */
  async rank(request: RankRequest): Promise<{ items: RankedItem[]; intents: IntentPrediction | null; ms: number }> {
    const started = performance.now();
    const ranker = state?.ranker;
    if (!ranker) throw new Error('inference worker: init() with a catalog before rank()');
    if ((request.text === undefined) === (request.itemId === undefined)) throw new Error('rank: give exactly one of text or itemId');
    const query = request.itemId !== undefined ? ranker.vectorOf(request.itemId) : (await withFallback((e) => e.embed([request.text!])))[0]!;
    const intents = request.text !== undefined && state?.intents ? predictIntents(state.intents, query) : null;
    return { items: ranker.rank(query, request.k, request.excludeIds), intents, ms: performance.now() - started };
  },

  /**
   * "For you": the catalogue ranker over the shopper's history (no encoder run: the items'
   * embeddings are already in the matrix), the merchant's objective, rules and MMR, each
   * pick with the history item that earned it.
   */
  recommend(request: RecommendRequest): { items: Recommendation[]; ms: number } {
    const started = performance.now();
    const { store, ids } = catalogue();
    if (!store.ranker) throw new Error('inference worker: the catalogue has no published ranker');
    return { items: personalPicks(store, store.ranker, ids, request), ms: performance.now() - started };
  },

  /** One shelf of product cards, with the reason for each, for a placement on the page. */
  shelf(request: ShelfRequest): ShelfAnswer {
    const started = performance.now();
    const { store, ids } = catalogue();
    const k = request.k;
    const fallback = (): [Recommendation[], ShelfAnswer['served']] => [featured(store.shelves, { k }), 'featured'];
    let picks: Recommendation[];
    let served: ShelfAnswer['served'] = request.placement;
    switch (request.placement) {
      case 'for-you': {
        const history = request.history.map((h) => h.id);
        picks = store.ranker ? personalPicks(store, store.ranker, ids, { history, k, ...(request.objective && { objective: request.objective }) }, request.personal) : [];
        if (picks.length === 0) [picks, served] = fallback();
        break;
      }
      case 'similar': {
        const [row] = ids.knownRows(request.itemIds ?? []);
        if (row === undefined) [picks, served] = fallback();
        else picks = similar(store.shelves, row, { k });
        break;
      }
      case 'goes-well-with': {
        const cart = ids.knownRows(request.itemIds ?? []);
        picks = cart.length ? goesWellWith(store.shelves, cart, store.neighbours, { k }) : [];
        if (picks.length === 0) [picks, served] = fallback();
        break;
      }
      case 'recently-viewed': {
        const views = request.history.filter((h) => h.type === 'view' && ids.has(h.id)).map((h) => ({ row: ids.rowOf(h.id), at: h.at }));
        // itemIds: the product on the page, which is not "recently" viewed but being viewed.
        picks = recentlyViewed(store.shelves, views, { k, rules: { excludeIds: request.itemIds ?? [] } });
        break;
      }
      case 'trending':
        // Popularity needs the merchant's order data, which no catalogue publishes yet.
        [picks, served] = fallback();
        break;
      default:
        throw new Error(`inference worker: unknown placement "${(request as { placement: string }).placement}"`);
    }
    return { items: cards(store, picks), served, ms: performance.now() - started };
  },

  /**
   * Search: the query's price and audience phrases become rules, its embedding ranks the
   * catalogue, the intent head and the shopper's recent items break near-ties. Without the
   * encoder it still answers, from the words alone.
   */
  async search(request: SearchRequest): Promise<SearchAnswer> {
    const started = performance.now();
    const { store, ids } = catalogue();
    const price = parsePriceIntent(request.query);
    const audience = parseAudienceIntent(price.query, store.tags);
    const constraints: SearchAnswer['constraints'] = {
      price: price.range,
      tag: audience.tag,
      tagPhrase: audience.phrase,
    };
    const rules = (range: PriceRange | null): BusinessRules => ({ ...(range && { price: range }), ...(audience.tag && { tag: audience.tag }) });
    // A shopper typing while the encoder still downloads gets word matches now, not a spinner.
    const ready = await Promise.race([state!.encoding.then(() => true), new Promise<false>((resolve) => setTimeout(resolve, SEARCH_ENCODER_WAIT_MS, false))]);
    if (!ready || !state?.encoder) {
      const items = keywordResults(store.shelves, price.query, { k: request.k, rules: rules(price.range) });
      return { items: cards(store, items), intents: null, constraints, method: ready ? 'keywords' : 'keywords-while-loading', embedding: null, ms: performance.now() - started };
    }
    const text = price.query || request.query;
    const [vector] = await withFallback((encoder) => encoder.embed([text]));
    const intents = state.intents ? predictIntents(state.intents, vector!) : null;
    // "cheap" reads as a price only when the head hears a deal in the query.
    if (!price.range && intents) {
      const deal = intents.behaviours.find((b) => b.name === 'deal')?.probability;
      const cheap = parsePriceIntent(price.query, { budgetMax: store.budget, ...(deal !== undefined && { dealProbability: deal }) });
      if (cheap.range) constraints.price = cheap.range;
    }
    const recent = ids.knownRows(request.history.slice(-20).map((h) => h.id));
    const signals = { query: vector!, intents, profile: profileVector(store.shelves.matrix, recent) };
    let items = searchResults(store.shelves, signals, { k: request.k, rules: rules(constraints.price) });
    // An audience word the catalogue barely tags ("for a teacher": 2 products under the
    // price) would hide good matches: then it only informs the embedding, not a filter.
    if (audience.tag && items.length < MIN_AUDIENCE_RESULTS) {
      Object.assign(constraints, { tag: null, tagPhrase: null });
      items = searchResults(store.shelves, signals, { k: request.k, rules: constraints.price ? { price: constraints.price } : {} });
    }
    return { items: cards(store, items), intents, constraints, method: 'model', embedding: { values: Array.from(vector!), model: state.assets.manifest.version }, ms: performance.now() - started };
  },

  /** Query → category and behavioural intents with probabilities (the catalogue's head). */
  async intent(query: string, top = 5): Promise<IntentPrediction & { ms: number }> {
    const started = performance.now();
    const head = state?.intents;
    if (!head) throw new Error('inference worker: init() with a catalog that has an intent head before intent()');
    const [vector] = await withFallback((encoder) => encoder.embed([query]));
    return { ...predictIntents(head, vector!, top), ms: performance.now() - started };
  },

  /** Every request this worker made (model files, catalogue feed): when (ms since the epoch) and bytes received. */
  requests(): ResourceRequest[] {
    return resourceRequests();
  },

  /** Fault injection for tests (src/widget/inference-client.ts): an uncaught error, as a crash. */
  simulateCrash(): void {
    setTimeout(() => {
      throw new Error('simulated inference worker crash');
    });
  },

  /** The backend now in use and, after a mid-session WebGPU failure, why it changed. */
  status(): { backend: Backend | null; fallbackReason: string | null } {
    return { backend: state?.backend ?? null, fallbackReason: state?.fallbackReason ?? null };
  },
};

function catalogue(): { store: StoreContext; ids: CatalogRanker } {
  if (!state?.store || !state.ranker) throw new Error('inference worker: init() with a catalog and its catalogUrl first');
  return { store: state.store, ids: state.ranker };
}

/** The ranker over the shopper's history, each pick with the history item that earned it. */
function personalPicks(store: StoreContext, ranker: NonNullable<StoreContext['ranker']>, ids: CatalogRanker, request: RecommendRequest,
  personal?: PersonalOffset): Recommendation[] {
  const rows = ids.knownRows(request.history);
  // Nothing to personalise from (a first visit, or only products that left the catalogue):
  // an empty shelf, so the page shows its trending or similar-items shelf instead of
  // an arbitrary list.
  if (rows.length === 0) return [];
  // An offset learned for another ranker version means nothing to this one: it is ignored (the learner starts a new one).
  const offset = personal && personal.ranker === ranker.file && personal.offset.length === ranker.weights.dims ? Float32Array.from(personal.offset) : undefined;
  const forward = rankerForward(ranker.weights, ranker.context, rows, offset);
  const objective = request.objective;
  const mix: [number, number] = objective ? [objective.click, objective.purchase] : [0.5, 0.5];
  return forYou(store.shelves, forward, (row) => {
    const historyRow = explainRow(ranker.weights, ranker.context, forward, rows, row, mix);
    return historyRow === null ? null : { historyRow };
  }, {
    k: request.k,
    ...(request.lambda !== undefined && { lambda: request.lambda }),
    ...(objective && { objective }),
    rules: { ...request.rules, excludeRows: request.excludeHistory === false ? [] : rows },
  });
}

/** How long a search waits for a still-loading encoder before answering from words. */
const SEARCH_ENCODER_WAIT_MS = 3_000;

/** Fewer results than this under an audience filter, and the filter is dropped. */
const MIN_AUDIENCE_RESULTS = 3;

const cards = (store: StoreContext, picks: readonly Recommendation[]): ShelfItem[] => picks.map((p) => ({ product: store.shelves.products[p.row]!, reason: p.reason, currency: store.currency }));

export type InferenceWorkerApi = typeof api;

Comlink.expose(api);
