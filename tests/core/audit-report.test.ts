import { describe, expect, it } from 'vitest';
import { auditReport, dataExport, privacyGuarantee, type DeviceState } from '../../src/core/audit-report.ts';
import { DEFAULT_RETENTION } from '../../src/core/retention.ts';

const T = Date.UTC(2026, 10, 26, 12);
const state: DeviceState = {
  now: T,
  origin: 'https://store.example',
  mode: 'local',
  merchantDefault: 'local',
  persistent: true,
  retention: DEFAULT_RETENTION,
  stores: [
    { name: 'events', description: 'What you did.', records: [
      { key: 1, value: { type: 'view', at: T - 3_000, itemId: 'a' } },
      { key: 2, value: { type: 'search', at: T - 1_000, query: 'mug' } },
      { key: 3, value: 'damaged' },
    ] },
    { name: 'profile', description: 'What was learned.', records: [{ key: 'current', value: { offset: [0.5], updatedAt: T - 500 } }] },
    { name: 'outbox', description: 'Nothing yet.', records: [] },
  ],
  caches: [{ name: 'privet-models', description: 'Public files.', entries: [{ url: 'https://store.example/models/v/a', bytes: 100 }, { url: 'https://store.example/models/v/b', bytes: 23 }] }],
  requests: [
    { at: T - 2_000, method: 'GET', url: 'https://store.example/v1/catalog/demo', purpose: 'download the store catalogue', bytesSent: 0, bytesReceived: 500, context: 'inference worker' },
    { at: T - 4_000, method: 'GET', url: 'https://store.example/v1/manifest', purpose: 'download the public model', bytesSent: 0, bytesReceived: 40, context: 'inference worker' },
  ],
  quotaEvictions: 2,
  lastQuotaAt: T - 60_000,
  storage: { usage: 1234, quota: 5678 },
  model: { version: 'v1', dp: { epsilon: 0, delta: 0, rounds: 0 } },
};

describe('the audit report', () => {
  it('counts, dates and sizes every store, and marks unreadable records', () => {
    const report = auditReport(state);
    expect(report.stores[0]).toMatchObject({ name: 'events', records: 3, unreadable: 1, oldest: new Date(T - 3_000).toISOString(), newest: new Date(T - 1_000).toISOString() });
    expect(report.stores[0]!.bytes).toBe(new TextEncoder().encode(JSON.stringify(state.stores[0]!.records)).byteLength);
    expect(report.stores[1]).toMatchObject({ records: 1, oldest: new Date(T - 500).toISOString() });
    expect(report.stores[2]).toMatchObject({ records: 0, oldest: null, newest: null, bytes: 2 });
    expect(report.caches).toEqual([{ name: 'privet-models', description: 'Public files.', entries: 2, bytes: 123 }]);
    expect(report.incidents).toEqual({ quotaEvictions: 2, lastQuotaAt: new Date(T - 60_000).toISOString() });
    expect(report.retention).toEqual({ ttlDays: 90, maxEvents: 5000, maxRequests: 1000 });
  });

  it('lists every request in time order with what went each way', () => {
    const report = auditReport(state);
    expect(report.requests.map((r) => r.url)).toEqual(['https://store.example/v1/manifest', 'https://store.example/v1/catalog/demo']);
    expect(report.requests[0]!.at).toBe(new Date(T - 4_000).toISOString());
    expect(report.sent).toEqual({ requests: 2, bytesSent: 0, bytesReceived: 540 });
  });

  it('states the model\'s privacy guarantee as the manifest publishes it', () => {
    expect(auditReport(state).model!.guarantee).toMatch(/No data from shoppers' browsers went into this model/);
    expect(privacyGuarantee({ version: 'v2', dp: { epsilon: 4, delta: 1e-6, rounds: 12 } })).toBe("Trained with updates from shoppers' browsers under (ε = 4, δ = 0.000001) differential privacy, accumulated over 12 federated rounds.");
    expect(auditReport({ ...state, model: null }).model).toBeNull();
  });

  it('exports every record unchanged, each store described', () => {
    const exported = dataExport(state);
    expect(exported).toMatchObject({ format: 'privet-export', exportedAt: new Date(T).toISOString(), mode: 'local', persistent: true });
    expect(exported.stores.map((s) => s.records)).toEqual(state.stores.map((s) => s.records));
    expect(exported.stores.map((s) => s.unreadable)).toEqual([1, 0, 0]);
    expect(exported.caches).toBe(state.caches);
  });
});
