/**
 * The page's handle on the inference worker. The worker runs off the main thread; if it
 * crashes it is restarted once (and re-initialised with the same options), and after a
 * second crash every call fails with InferenceUnavailableError, which callers answer
 * with their non-model fallback (popular or content-based items).
 */
import * as Comlink from 'comlink';
import type { CatalogueInfo, EncoderInfo, EngineInfo, EngineInit, InferenceWorkerApi, RankRequest, RecommendRequest, SearchRequest, ShelfRequest } from '../../workers/inference.worker.ts';

export type { CatalogueInfo, EncoderInfo, EngineInfo, EngineInit, HistoryEntry, RankRequest, RecommendRequest, SearchAnswer, SearchRequest, ShelfAnswer, ShelfItem, ShelfRequest } from '../../workers/inference.worker.ts';

export class InferenceUnavailableError extends Error {
  override name = 'InferenceUnavailableError';
}

class WorkerCrashed extends Error {}

const MAX_RESTARTS = 1;

interface Connection {
  worker: Worker;
  remote: Comlink.Remote<InferenceWorkerApi>;
  /** Rejects when the worker dies or is stopped; every call races against it. */
  crashed: Promise<never>;
  stop(reason: Error): void;
}

function connect(): Connection {
  const worker = new Worker(new URL('../../workers/inference.worker.ts', import.meta.url), { type: 'module', name: 'privet-inference' });
  let stop!: (reason: Error) => void;
  const crashed = new Promise<never>((_, reject) => {
    stop = reject;
    worker.addEventListener('error', (event) => reject(new WorkerCrashed(event.message || 'inference worker failed')));
    worker.addEventListener('messageerror', () => reject(new WorkerCrashed('inference worker sent an unreadable message')));
  });
  crashed.catch(() => undefined); // observed by #call; never an unhandled rejection
  return { worker, remote: Comlink.wrap<InferenceWorkerApi>(worker), crashed, stop };
}

export class InferenceClient {
  #connection = connect();
  #restarts = 0;
  #lastInit: EngineInit | null = null;
  #unavailable: InferenceUnavailableError | null = null;

  init(options: EngineInit): Promise<EngineInfo> {
    this.#lastInit = options;
    return this.#call((remote) => remote.init(options));
  }

  start(options: EngineInit): Promise<CatalogueInfo> {
    this.#lastInit = options;
    return this.#call((remote) => remote.start(options));
  }

  encoder(): Promise<EncoderInfo> {
    return this.#call((remote) => remote.encoder());
  }

  embed(texts: string[]) {
    return this.#call((remote) => remote.embed(texts));
  }

  rank(request: RankRequest) {
    return this.#call((remote) => remote.rank(request));
  }

  recommend(request: RecommendRequest) {
    return this.#call((remote) => remote.recommend(request));
  }

  shelf(request: ShelfRequest) {
    return this.#call((remote) => remote.shelf(request));
  }

  search(request: SearchRequest) {
    return this.#call((remote) => remote.search(request));
  }

  /** The worker's own downloads (its resource timing), for the privacy panel. */
  requests() {
    return this.#call((remote) => remote.requests());
  }

  intent(query: string, top?: number) {
    return this.#call((remote) => remote.intent(query, top));
  }

  status() {
    return this.#call((remote) => remote.status());
  }

  /** Fault injection for tests: makes the worker throw outside any call, as a crash would. */
  simulateCrash(): Promise<void> {
    return this.#connection.remote.simulateCrash();
  }

  get restarts(): number {
    return this.#restarts;
  }

  /** Stops the worker; calls in flight and later ones fail rather than wait for ever. */
  terminate(): void {
    this.#unavailable = new InferenceUnavailableError('the inference worker was stopped');
    this.#connection.worker.terminate();
    this.#connection.stop(this.#unavailable);
  }

  async #call<T>(work: (remote: Comlink.Remote<InferenceWorkerApi>) => Promise<T>): Promise<T> {
    if (this.#unavailable) throw this.#unavailable;
    const connection = this.#connection;
    try {
      return await Promise.race([work(connection.remote), connection.crashed]);
    } catch (err) {
      if (!(err instanceof WorkerCrashed)) throw err;
      connection.worker.terminate();
      if (this.#restarts >= MAX_RESTARTS) {
        this.#unavailable = new InferenceUnavailableError(`the inference worker crashed again after a restart (${err.message}); recommendations fall back to non-model results`);
        throw this.#unavailable;
      }
      this.#restarts++;
      this.#connection = connect();
      if (this.#lastInit) await this.#connection.remote.start(this.#lastInit);
      return this.#call(work);
    }
  }
}

export function startInferenceWorker(): InferenceClient {
  return new InferenceClient();
}
