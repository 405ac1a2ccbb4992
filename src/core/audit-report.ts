/**
 * What the widget keeps and sends, in two forms an auditor and a shopper can read: the
 * export (every record of every store, each store described) and the audit report
 * (counts, ages, sizes, retention, every network request, the model's privacy guarantee).
 * Pure: the engine gathers the inputs (src/widget/engine.ts).
 */
import { readEvent } from './behaviour-event.ts';
import type { Mode } from './modes.ts';
import type { RetentionPolicy } from './retention.ts';

export interface StoreDump {
  name: string;
  description: string;
  records: { key: unknown; value: unknown }[];
}

export interface CacheDump {
  name: string;
  description: string;
  entries: { url: string; bytes: number }[];
}

/** One network request the widget made (the `requests` store's record). */
export interface LoggedRequest {
  at: number;
  method: string;
  url: string;
  purpose: string;
  /** Bytes of request body sent: 0 for every download. */
  bytesSent: number;
  bytesReceived: number;
  /** Where it was made: the page or a widget worker. */
  context: string;
}

export interface ModelPrivacy {
  version: string;
  dp: { epsilon: number; delta: number; rounds: number };
}

export interface DeviceState {
  now: number;
  origin: string;
  mode: Mode;
  merchantDefault: Mode;
  /** False in mode `off` (and where IndexedDB is blocked): everything lives in this page's memory. */
  persistent: boolean;
  retention: RetentionPolicy;
  stores: StoreDump[];
  caches: CacheDump[];
  requests: LoggedRequest[];
  quotaEvictions: number;
  lastQuotaAt: number | null;
  /** navigator.storage.estimate() for the whole origin (the merchant's own storage included). */
  storage: { usage: number; quota: number } | null;
  /** Null until this page has loaded the model's manifest. */
  model: ModelPrivacy | null;
}

/** Only events have a shape worth checking here: a record the shelves would skip (behaviour-event.ts). */
const isReadable = (store: string, value: unknown) => store !== 'events' || readEvent(value) !== null;

const iso = (ms: number) => new Date(ms).toISOString();
const utf8Bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).byteLength;

/** The record's own time: events and requests have `at`, the profile `updatedAt`, the outbox `createdAt`. */
function stampOf(value: unknown): number | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  for (const key of ['at', 'updatedAt', 'createdAt']) {
    const stamp = record[key];
    if (typeof stamp === 'number' && Number.isFinite(stamp)) return stamp;
  }
  return null;
}

/** The guarantee of the model in plain words, as the manifest publishes it. */
export function privacyGuarantee(model: ModelPrivacy): string {
  const { epsilon, delta, rounds } = model.dp;
  if (rounds === 0) return 'No data from shoppers\' browsers went into this model: it was trained on the store\'s catalogue only (no federated rounds yet).';
  return `Trained with updates from shoppers' browsers under (ε = ${epsilon}, δ = ${delta}) differential privacy, accumulated over ${rounds} federated ${rounds === 1 ? 'round' : 'rounds'}.`;
}

export function dataExport(state: DeviceState) {
  return {
    format: 'privet-export',
    version: 1,
    exportedAt: iso(state.now),
    origin: state.origin,
    mode: state.mode,
    persistent: state.persistent,
    stores: state.stores.map((store) => ({
      ...store,
      unreadable: store.records.filter((r) => !isReadable(store.name, r.value)).length,
    })),
    caches: state.caches,
  };
}

export function auditReport(state: DeviceState) {
  const requests = [...state.requests].sort((a, b) => a.at - b.at);
  return {
    format: 'privet-audit',
    version: 1,
    generatedAt: iso(state.now),
    origin: state.origin,
    mode: state.mode,
    merchantDefault: state.merchantDefault,
    persistent: state.persistent,
    retention: { ttlDays: state.retention.ttlDays, maxEvents: state.retention.maxEvents, maxRequests: state.retention.maxRequests },
    stores: state.stores.map(({ name, description, records }) => {
      const stamps = records.map((r) => stampOf(r.value)).filter((s): s is number => s !== null);
      return {
        name,
        description,
        records: records.length,
        unreadable: records.filter((r) => !isReadable(name, r.value)).length,
        oldest: stamps.length ? iso(Math.min(...stamps)) : null,
        newest: stamps.length ? iso(Math.max(...stamps)) : null,
        /** Size of the records as UTF-8 JSON: close to, not exactly, what IndexedDB uses on disk. */
        bytes: utf8Bytes(records),
      };
    }),
    caches: state.caches.map(({ name, description, entries }) => ({ name, description, entries: entries.length, bytes: entries.reduce((sum, e) => sum + e.bytes, 0) })),
    storage: state.storage,
    requests: requests.map((r) => ({ ...r, at: iso(r.at) })),
    sent: {
      requests: requests.length,
      bytesSent: requests.reduce((sum, r) => sum + r.bytesSent, 0),
      bytesReceived: requests.reduce((sum, r) => sum + r.bytesReceived, 0),
    },
    incidents: { quotaEvictions: state.quotaEvictions, lastQuotaAt: state.lastQuotaAt === null ? null : iso(state.lastQuotaAt) },
    model: state.model ? { version: state.model.version, dp: state.model.dp, guarantee: privacyGuarantee(state.model) } : null,
  };
}

export type AuditReport = ReturnType<typeof auditReport>;
export type DataExport = ReturnType<typeof dataExport>;
