/**
 * The dashboard's calls to the Privet API with one merchant key. The key lives only in this
 * closure, in page memory: never in localStorage or a cookie, where any script on the origin
 * (or a later visitor of a shared computer) could read it. Reloading the page forgets it.
 */
import type { ModelManifest } from '../core/manifest.ts';
import type { RoundHistoryEntry } from '../server/round-coordinator.ts';
import type { TrainingDeviceChoice, TrainingJob } from '../server/training-jobs.ts';

/** A round as GET /v1/rounds lists it: its history entry and what it published, if anything. */
export type DashboardRound = RoundHistoryEntry & { published: { file: string | null; skipped: string | null; noiseStd?: number } | null };

export interface PrivacyStanding {
  budget: { epsilon: number; delta: number };
  spent: { epsilon: number; rounds: number };
}

export interface ModelVersionSummary {
  version: string;
  created: string;
  base_model: string;
  metrics: Record<string, unknown>;
  dp: { epsilon: number; delta: number; rounds: number };
  current: boolean;
}

export interface TrainingRequest {
  maxSteps?: number;
  timeBudgetS?: number;
  device?: TrainingDeviceChoice;
}

/** A reply that was not a success: its status and the server's `error` text. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface MerchantApi {
  rounds(): Promise<DashboardRound[]>;
  privacy(): Promise<PrivacyStanding>;
  models(): Promise<{ current: string; versions: ModelVersionSummary[] }>;
  /** The current model's manifest: `catalogs[].dp` is the guarantee published with each catalogue's ranker and intent head. */
  manifest(): Promise<ModelManifest>;
  makeCurrent(version: string): Promise<{ current: string; previous: string }>;
  jobs(): Promise<TrainingJob[]>;
  startJob(request: TrainingRequest): Promise<TrainingJob>;
  cancelJob(id: string): Promise<TrainingJob>;
}

// The most rounds GET /v1/rounds returns at once: the whole history the plot needs.
const ROUND_LIMIT = 1000;

export function merchantApi(key: string): MerchantApi {
  const call = async <T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> => {
    const headers: Record<string, string> = { Authorization: `Bearer ${key}` };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, { method: init.method ?? 'GET', headers, cache: 'no-store', body: init.body === undefined ? null : JSON.stringify(init.body) });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (a proxy's error page): reported by status below.
    }
    if (!response.ok) {
      const error = (json as { error?: unknown } | null)?.error;
      throw new ApiError(response.status, typeof error === 'string' ? error : `${path} answered ${response.status}`);
    }
    return json as T;
  };
  return {
    rounds: async () => (await call<{ rounds: DashboardRound[] }>(`/v1/rounds?limit=${ROUND_LIMIT}`)).rounds,
    privacy: () => call<PrivacyStanding>('/v1/privacy'),
    models: () => call('/v1/models'),
    manifest: () => call('/v1/manifest'),
    makeCurrent: (version) => call('/v1/models/current', { method: 'POST', body: { version } }),
    jobs: async () => (await call<{ jobs: TrainingJob[] }>('/v1/training-jobs')).jobs,
    startJob: async (request) => (await call<{ job: TrainingJob }>('/v1/training-jobs', { method: 'POST', body: request })).job,
    cancelJob: (id) => call(`/v1/training-jobs/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  };
}
