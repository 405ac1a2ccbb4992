/** Developer page handle used by tests/browser and bench/: the real worker, no shortcuts. */
import { startEncoderWorker, type EncoderInfo, type EncoderInit } from '../encoder-client.ts';

export interface EncoderProbe {
  init(options: Omit<EncoderInit, 'manifestUrl'>): Promise<EncoderInfo>;
  /** Embeddings as plain arrays so they cross into Playwright unchanged. */
  embed(texts: string[]): Promise<number[][]>;
  /** Wall-clock milliseconds of each single-text embed call, measured on this page. */
  time(texts: string[]): Promise<number[]>;
}

declare global {
  interface Window {
    encoderProbe: EncoderProbe;
  }
}

const worker = startEncoderWorker();

window.encoderProbe = {
  init: (options) => worker.init({ ...options, manifestUrl: new URL('/v1/manifest', location.href).href }),
  embed: async (texts) => (await worker.embed(texts)).map((v) => Array.from(v)),
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
