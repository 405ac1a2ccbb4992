/**
 * The page's handle on the learner worker (workers/learner.worker.ts). Learning is never
 * urgent: calls are coalesced, one runs at a time, and a failure is reported once and
 * leaves the shelves on the shared ranker.
 */
import * as Comlink from 'comlink';
import type { LearnerInit, LearnerWorkerApi, LearnResult } from '../../workers/learner.worker.ts';
import type { ResourceRequest } from './resource-requests.ts';

export class LearnerClient {
  readonly #worker = new Worker(new URL('../../workers/learner.worker.ts', import.meta.url), { type: 'module', name: 'privet-learner' });
  readonly #remote = Comlink.wrap<LearnerWorkerApi>(this.#worker);
  #running: Promise<LearnResult | null> | null = null;
  #again = false;
  #warned = false;

  constructor(private readonly init: LearnerInit) {}

  /** Learns from new events; a call while one runs schedules exactly one more. */
  learn(): Promise<LearnResult | null> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#remote.learn(this.init).catch((err: unknown) => {
      if (!this.#warned) console.warn(`privet: on-device learning failed (${(err as Error).message}); recommendations use the shared model`);
      this.#warned = true;
      return null;
    }).finally(() => {
      this.#running = null;
      if (this.#again) {
        this.#again = false;
        void this.learn();
      }
    });
    return this.#running;
  }

  /** Waits for any learning in flight (tests, and before an erase). */
  async settled(): Promise<void> {
    while (this.#running) await this.#running;
  }

  requests(): Promise<ResourceRequest[]> {
    return this.#remote.requests();
  }

  terminate(): void {
    this.#worker.terminate();
  }
}
