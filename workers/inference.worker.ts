/**
 * The inference worker: tokenizer + onnxruntime-web + the catalogue's item matrix, off
 * the main thread, exposed with comlink. It wires src/core to the runtime and to the
 * verified, cached model files; the maths lives in src/core.
 */
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web';
// The WebGPU-capable (JSEP) build also runs the WASM execution provider; served by us.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import type { BusinessRules } from '../src/core/business-rules.ts';
import { parseCatalog, type Product } from '../src/core/catalog.ts';
import { CatalogRanker, type RankedItem } from '../src/core/catalog-ranker.ts';
import { batchSizeFor, SentenceEncoder } from '../src/core/encoder.ts';
import { parseIntentHead, predictIntents, type IntentHead, type IntentPrediction } from '../src/core/intent-head.ts';
import { parseItemMatrix } from '../src/core/item-matrix.ts';
import { manifestCatalog, manifestFile, type Backend } from '../src/core/manifest.ts';
import { revenueScale, type Objective } from '../src/core/objective.ts';
import { explainRow, parseRanker, rankerForward, type RankerContext, type RankerWeights } from '../src/core/ranker.ts';
import { forYou, type Recommendation, type RecContext } from '../src/core/recommendations.ts';
import { TextTokenizer } from '../src/core/tokenize.ts';
import { ModelAssets } from '../src/widget/model-assets.ts';

ort.env.wasm.wasmPaths = { wasm: ortWasmUrl };
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

export interface EngineInfo {
  version: string;
  backend: Backend;
  /** Why this backend: shown to developers, recorded by benchmarks. */
  reason: string;
  dtype: string;
  dims: number;
  threads: number;
  catalog: { name: string; rows: number; intents: number } | null;
  loadMs: number;
  assets: { fromNetwork: number; fromCache: number; evicted: number };
}

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
  encoder: SentenceEncoder<ort.Tensor>;
  backend: Backend;
  dtype: string;
  ranker: CatalogRanker | null;
  intents: IntentHead | null;
  recommender: { weights: RankerWeights; context: RankerContext; shelves: RecContext } | null;
  fallbackReason: string | null;
} | null = null;

/** The catalogue feed, row for row with the item matrix (the manifest's ids fix the order). */
async function catalogRows(url: string, ids: readonly string[]): Promise<Product[]> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`catalog feed ${url}: HTTP ${response.status}`);
  const byId = new Map(parseCatalog(await response.json()).products.map((p) => [p.id, p]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length) throw new Error(`catalog feed ${url} lacks ${missing.length} indexed products (first: ${missing[0]}); re-index the catalogue`);
  return ids.map((id) => byId.get(id)!);
}

async function createEncoder(assets: ModelAssets, tokenizer: TextTokenizer, backend: Backend, file: string) {
  const session = await ort.InferenceSession.create(new Uint8Array(await assets.bytes(file)), {
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
  });
  const dtype = manifestFile(assets.manifest, file).dtype;
  const { dims, output } = assets.manifest;
  return { encoder: new SentenceEncoder({ tokenizer, session, Tensor: ort.Tensor, dims, outputName: output, batchSize: batchSizeFor(dtype) }), dtype };
}

/** Runs `work` on the current encoder; a WebGPU failure switches to WASM and retries once. */
async function withFallback<T>(work: (encoder: SentenceEncoder<ort.Tensor>) => Promise<T>): Promise<T> {
  if (!state) throw new Error('inference worker: call init() first');
  try {
    return await work(state.encoder);
  } catch (err) {
    if (state.backend !== 'webgpu') throw err;
    const wasm = await createEncoder(state.assets, state.tokenizer, 'wasm', state.assets.manifest.backends.wasm);
    Object.assign(state, { ...wasm, backend: 'wasm', fallbackReason: `WebGPU failed (${(err as Error).message}); using WASM` });
    return work(state.encoder);
  }
}

const api = {
  async init(options: EngineInit): Promise<EngineInfo> {
    const started = performance.now();
    const assets = await ModelAssets.open(options.manifestUrl, options.useCache ?? true);
    const { manifest } = assets;
    const tokenizer = new TextTokenizer(
      await assets.json<object>('tokenizer.json'),
      await assets.json<object>('tokenizer_config.json'),
      manifest.max_tokens,
    );
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
    built ??= await createEncoder(assets, tokenizer, 'wasm', fileFor('wasm'));

    let ranker: CatalogRanker | null = null;
    let intents: IntentHead | null = null;
    let recommender: NonNullable<typeof state>['recommender'] = null;
    if (options.catalog) {
      const entry = manifestCatalog(manifest, options.catalog);
      ranker = new CatalogRanker(parseItemMatrix(await assets.bytes(entry.items)), await assets.json<string[]>(entry.ids));
      if (entry.intent_head) intents = parseIntentHead(await assets.json<unknown>(entry.intent_head));
      if (entry.ranker && options.catalogUrl) {
        const products = await catalogRows(options.catalogUrl, ranker.ids);
        // No order data is published for catalogues yet: co-occurrence and popularity stay off.
        recommender = {
          weights: parseRanker(await assets.json<unknown>(entry.ranker)),
          context: { matrix: ranker.matrix, neighbours: null, popularity: null },
          shelves: { products, matrix: ranker.matrix, revenueScale: revenueScale(products) },
        };
      }
    }
    const evicted = await assets.evictOtherVersions();
    state = { assets, tokenizer, ...built, backend, ranker, intents, recommender, fallbackReason: null };
    return {
      version: manifest.version,
      backend,
      reason,
      dtype: built.dtype,
      dims: manifest.dims,
      threads: backend === 'wasm' ? (ort.env.wasm.numThreads ?? 1) : 0,
      catalog: ranker && options.catalog ? { name: options.catalog, rows: ranker.matrix.rows, intents: intents?.categories.length ?? 0 } : null,
      loadMs: performance.now() - started,
      assets: { ...assets.stats, evicted },
    };
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
    const recommender = state?.recommender;
    const ids = state?.ranker;
    if (!recommender || !ids) throw new Error('inference worker: init() with a catalog that has a ranker, and its catalogUrl, before recommend()');
    const rows = request.history.filter((id) => ids.has(id)).map((id) => ids.rowOf(id));
    // Nothing to personalise from (a first visit, or only products that left the catalogue):
    // an empty shelf, so the page shows its trending or similar-items shelf instead of
    // an arbitrary list.
    if (rows.length === 0) return { items: [], ms: performance.now() - started };
    const forward = rankerForward(recommender.weights, recommender.context, rows);
    const objective = request.objective;
    const mix: [number, number] = objective ? [objective.click, objective.purchase] : [0.5, 0.5];
    const items = forYou(recommender.shelves, forward, (row) => {
      const historyRow = explainRow(recommender.weights, recommender.context, forward, rows, row, mix);
      return historyRow === null ? null : { historyRow };
    }, {
      k: request.k,
      ...(request.lambda !== undefined && { lambda: request.lambda }),
      ...(objective && { objective }),
      rules: { ...request.rules, excludeRows: request.excludeHistory === false ? [] : rows },
    });
    return { items, ms: performance.now() - started };
  },

  /** Query → category and behavioural intents with probabilities (the catalogue's head). */
  async intent(query: string, top = 5): Promise<IntentPrediction & { ms: number }> {
    const started = performance.now();
    const head = state?.intents;
    if (!head) throw new Error('inference worker: init() with a catalog that has an intent head before intent()');
    const [vector] = await withFallback((encoder) => encoder.embed([query]));
    return { ...predictIntents(head, vector!, top), ms: performance.now() - started };
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

export type InferenceWorkerApi = typeof api;

Comlink.expose(api);
