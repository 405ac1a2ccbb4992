/** The page's handle on the encoder worker (loaded lazily, off the main thread). */
import * as Comlink from 'comlink';
import type { EncoderWorkerApi } from '../../workers/encoder.worker.ts';

export type { EncoderInfo, EncoderInit } from '../../workers/encoder.worker.ts';

export function startEncoderWorker(): Comlink.Remote<EncoderWorkerApi> {
  const worker = new Worker(new URL('../../workers/encoder.worker.ts', import.meta.url), { type: 'module', name: 'privet-encoder' });
  return Comlink.wrap<EncoderWorkerApi>(worker);
}
