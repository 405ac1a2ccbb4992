/** The page's handle on the inference worker (started lazily, runs off the main thread). */
import * as Comlink from 'comlink';
import type { InferenceWorkerApi } from '../../workers/inference.worker.ts';

export type { EngineInfo, EngineInit, RankRequest } from '../../workers/inference.worker.ts';

export function startInferenceWorker(): Comlink.Remote<InferenceWorkerApi> {
  const worker = new Worker(new URL('../../workers/inference.worker.ts', import.meta.url), { type: 'module', name: 'privet-inference' });
  return Comlink.wrap<InferenceWorkerApi>(worker);
}
