import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCors } from '../../src/server/cors.ts';
import { MerchantDirectory } from '../../src/server/merchants.ts';
import { RoundCoordinator } from '../../src/server/round-coordinator.ts';
import { registerRoundRoutes } from '../../src/server/round-routes.ts';
import { SqliteRoundStore } from '../../src/server/storage/sqlite-round-store.ts';
import { privacyBudget, ROUND_PRIVACY } from '../support/round-server.ts';

const ACME = 'https://shop.acme.example';
const TEA = 'https://tea.example';
const EVIL = 'https://evil.example';
const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
const merchants = MerchantDirectory.parse({
  merchants: { acme: { keySha256: sha256('acme-key'), origins: [ACME] }, tea: { keySha256: sha256('tea-key'), origins: [TEA] } },
});

describe('CORS', () => {
  let app: FastifyInstance;
  let base: string;
  let roundId: string;

  beforeAll(async () => {
    const coordinator = await RoundCoordinator.restore(new SqliteRoundStore(join(mkdtempSync(join(tmpdir(), 'privet-cors-')), 'rounds.sqlite')));
    app = Fastify();
    await registerCors(app, { merchants, roundMerchant: (id) => coordinator.merchantOf(id) });
    app.get('/v1/manifest', async () => ({ version: 'v1' }));
    app.get('/v1/catalog/:merchant', { config: { cors: 'feed-merchant' } }, async () => ({ products: [] }));
    await registerRoundRoutes(app, { coordinator, merchantKeys: merchants.keyHashes(), modelVersion: () => 'v1', modelOf: () => null, privacyBudget });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    const opened = await fetch(`${base}/v1/rounds`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer acme-key' }, body: JSON.stringify({ length: 4, privacy: ROUND_PRIVACY }) });
    expect(opened.status).toBe(201);
    roundId = ((await opened.json()) as { roundId: string }).roundId;
  });
  afterAll(() => app.close());

  const get = (path: string, origin?: string) => fetch(`${base}${path}`, { headers: origin ? { Origin: origin } : {} });
  const preflight = (path: string, origin: string, method = 'POST') =>
    fetch(`${base}${path}`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'authorization,content-type' } });

  it('serves requests without an Origin and from its own origin, with no CORS headers', async () => {
    const behindTlsProxy = base.replace('http:', 'https:');
    for (const response of [await get('/v1/manifest'), await get('/v1/manifest', base), await get('/v1/manifest', behindTlsProxy)]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('answers shared resources to every configured merchant origin and refuses any other', async () => {
    for (const origin of [ACME, TEA]) {
      const response = await get('/v1/manifest', origin);
      expect([response.status, response.headers.get('access-control-allow-origin'), response.headers.get('vary')]).toEqual([200, origin, 'Origin']);
      expect(response.headers.get('access-control-expose-headers')).toContain('X-Privet-Reply');
    }
    const refused = await get('/v1/manifest', EVIL);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toBe(`origin ${EVIL} may not call this route: only the origins its merchant configured (PRIVET_MERCHANTS_FILE) may`);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("answers a feed and a round only to their own merchant's origins", async () => {
    expect((await get('/v1/catalog/acme', ACME)).status).toBe(200);
    expect((await get('/v1/catalog/acme', TEA)).status).toBe(403);
    expect((await get(`/v1/rounds/${roundId}`, ACME)).headers.get('access-control-allow-origin')).toBe(ACME);
    expect((await get(`/v1/rounds/${roundId}`, TEA)).status).toBe(403);
  });

  it('answers preflights for the route they ask about', async () => {
    const ok = await preflight(`/v1/rounds/${roundId}/messages/advertise`, ACME);
    expect(ok.status).toBe(204);
    expect(Object.fromEntries(['access-control-allow-origin', 'access-control-allow-methods', 'access-control-allow-headers', 'access-control-max-age'].map((h) => [h, ok.headers.get(h)]))).toEqual({
      'access-control-allow-origin': ACME,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'Authorization, Content-Type, If-None-Match',
      'access-control-max-age': '600',
    });
    expect((await preflight(`/v1/rounds/${roundId}/messages/advertise`, TEA)).status).toBe(403);
    expect((await preflight(`/v1/rounds/${roundId}/reply/1`, ACME, 'GET')).status).toBe(204);
    // The merchant API is not for browsers on other origins.
    expect((await preflight('/v1/rounds', ACME)).status).toBe(403);
    expect((await preflight(`/v1/rounds/${roundId}/advance`, ACME)).status).toBe(403);
    expect((await preflight('/nowhere', ACME)).status).toBe(404);
    expect((await fetch(`${base}/v1/manifest`, { method: 'OPTIONS' })).status).toBe(400);
  });

  it('refuses a cross-origin request before it runs: a refused check-in takes no index', async () => {
    const post = (path: string, origin: string) => fetch(`${base}${path}`, { method: 'POST', headers: { Origin: origin } });
    expect((await post(`/v1/rounds/${roundId}/check-in`, TEA)).status).toBe(403);
    const admitted = await post(`/v1/rounds/${roundId}/check-in`, ACME);
    expect([admitted.status, admitted.headers.get('access-control-allow-origin')]).toEqual([201, ACME]);
    expect(((await admitted.json()) as { index: number }).index).toBe(1);
    // A merchant's page may not open rounds with a key it should not hold; its server may.
    const fromPage = await fetch(`${base}/v1/rounds`, { method: 'POST', headers: { Origin: ACME, 'Content-Type': 'application/json', Authorization: 'Bearer acme-key' }, body: JSON.stringify({ length: 4, privacy: ROUND_PRIVACY }) });
    expect(fromPage.status).toBe(403);
  });
});
