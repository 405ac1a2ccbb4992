/**
 * The page's handle on the learner worker (workers/learner.worker.ts). Learning is never
 * urgent: calls are coalesced, one runs at a time, and a failure is reported once and
 * leaves the shelves on the shared ranker.
 */
import * as Comlink from 'comlink';
import type { ContributeRequest, ContributeResult, LearnerInit, LearnerWorkerApi, LearnResult } from '../../workers/learner.worker.ts';
import type { ResourceRequest } from './resource-requests.ts';

export class LearnerClient {
  readonly #worker = new Worker(new URL('../../workers/learner.worker.ts', import.meta.url), { type: 'module', name: 'privet-learner' });
  readonly #remote = Comlink.wrap<LearnerWorkerApi>(this.#worker);
  #running: Promise<LearnResult | null> | null = null;
  #again = false;
  #warned = false;
  #contributing: Promise<ContributeResult | null> | null = null;

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

  /**
   * Takes part in the merchant's open federated round if this device may (the worker decides,
   * mode contribute only). A round runs for as long as the merchant takes to close its phases,
   * so this never blocks learning or `settled`; one runs at a time.
   */
  contribute(request: Omit<ContributeRequest, keyof LearnerInit>): Promise<ContributeResult | null> {
    this.#contributing ??= this.#remote.contribute({ ...this.init, ...request }).catch((err: unknown) => {
      console.warn(`privet: taking part in a training round failed (${(err as Error).message})`);
      return null;
    }).finally(() => (this.#contributing = null));
    return this.#contributing;
  }

  /** The shopper left mode contribute: any round in progress is dropped. */
  stopContributing(): Promise<void> {
    return this.#remote.stopContributing();
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
