/** Developer page handle used by tests/browser and bench/: the real worker, no shortcuts. */
import type { IntentPrediction } from '../../core/intent-head.ts';
import type { Recommendation } from '../../core/recommendations.ts';
import { startInferenceWorker, type EngineInfo, type EngineInit, type RankRequest, type RecommendRequest } from '../inference-client.ts';

export interface EngineProbe {
  init(options: Omit<EngineInit, 'manifestUrl'>): Promise<EngineInfo>;
  /** Embeddings as plain arrays so they cross into Playwright unchanged. */
  embed(texts: string[]): Promise<number[][]>;
  rank(request: RankRequest): Promise<{ items: { id: string; score: number }[]; intents: IntentPrediction | null; ms: number }>;
  intent(query: string): Promise<IntentPrediction & { ms: number }>;
  recommend(request: RecommendRequest): Promise<{ items: Recommendation[]; ms: number }>;
  simulateCrash(): Promise<void>;
  restarts(): number;
  /** Wall-clock milliseconds of each single-text embed call, measured on this page. */
  time(texts: string[]): Promise<number[]>;
}

declare global {
  interface Window {
    engineProbe: EngineProbe;
  }
}

const worker = startInferenceWorker();

window.engineProbe = {
  init: (options) => worker.init({ ...options, manifestUrl: new URL('/v1/manifest', location.href).href }),
  embed: async (texts) => (await worker.embed(texts)).map((v) => Array.from(v)),
  rank: (request) => worker.rank(request),
  intent: (query) => worker.intent(query),
  recommend: (request) => worker.recommend(request),
  simulateCrash: () => worker.simulateCrash(),
  restarts: () => worker.restarts,
  async time(texts) {
    const durations: number[] = [];
    for (const text of texts) {
      const started = performance.now();
      await worker.embed([text]);
      durations.push(performance.now() - started);
    }
    return durations;
  },
};
document.body.dataset.probeReady = 'true';
