import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, MerchantDirectory } from '../../src/server/merchants.ts';
import { registerRateLimits } from '../../src/server/rate-limits.ts';
import { RoundCoordinator } from '../../src/server/round-coordinator.ts';
import { registerRoundRoutes } from '../../src/server/round-routes.ts';
import { SqliteRoundStore } from '../../src/server/storage/sqlite-round-store.ts';
import { privacyBudget, ROUND_PRIVACY } from '../support/round-server.ts';

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
const limits = { merchant: { perMinute: 60, burst: 3 }, checkIn: { perMinute: 60, burst: 2 }, upload: { perMinute: 6, burst: 2 } };
const merchants = MerchantDirectory.parse({ merchants: { acme: { keySha256: sha256('acme-key'), limits } } });

describe('rate limits', () => {
  let app: FastifyInstance;
  let base: string;
  let now = 0;

  beforeAll(async () => {
    const coordinator = await RoundCoordinator.restore(new SqliteRoundStore(join(mkdtempSync(join(tmpdir(), 'privet-limits-')), 'rounds.sqlite')));
    app = Fastify();
    registerRateLimits(app, { merchants, roundMerchant: (id) => coordinator.merchantOf(id), now: () => now });
    await registerRoundRoutes(app, { coordinator, merchantKeys: merchants.keyHashes(), modelVersion: () => 'v1', modelOf: () => null, privacyBudget });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  const open = (key = 'acme-key') =>
    fetch(`${base}/v1/rounds`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` }, body: JSON.stringify({ length: 4, privacy: ROUND_PRIVACY }) });
  const checkIn = (roundId: string) => fetch(`${base}/v1/rounds/${roundId}/check-in`, { method: 'POST' });
  const upload = (roundId: string, token: string) =>
    fetch(`${base}/v1/rounds/${roundId}/messages/advertise`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: '{}' });

  it("limits a merchant's API calls to its own bucket and says when to retry", async () => {
    now = 1_000_000;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await open()).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const limited = await open();
    expect([limited.status, limited.headers.get('retry-after'), await limited.json()]).toEqual([429, '1', { error: 'too many merchant API requests: retry in 1 s' }]);
    now += 1000;
    expect((await open()).status).toBe(201);
  });

  it('limits guessed keys per client address, with the default merchant limit', async () => {
    now = 2_000_000;
    const statuses = [];
    for (let i = 0; i <= DEFAULT_LIMITS.merchant.burst; i++) statuses.push((await open(`guess-${i}`)).status);
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it("limits check-ins per address with the round's merchant's limit; a refused check-in takes no index", async () => {
    now = 3_000_000;
    const { roundId } = (await (await open()).json()) as { roundId: string };
    expect((await checkIn(roundId)).status).toBe(201);
    expect((await checkIn(roundId)).status).toBe(201);
    expect((await checkIn(roundId)).status).toBe(429);
    now += 1000;
    const third = await checkIn(roundId);
    expect(((await third.json()) as { index: number }).index).toBe(3);
  });

  it('limits uploads per round token before reading the body; other tokens are unaffected', async () => {
    now = 4_000_000;
    const { roundId } = (await (await open()).json()) as { roundId: string };
    const first = (await (await checkIn(roundId)).json()) as { token: string };
    const second = (await (await checkIn(roundId)).json()) as { token: string };
    // '{}' is not an advertise message: refused by the decoder, but it counts.
    expect([(await upload(roundId, first.token)).status, (await upload(roundId, first.token)).status]).toEqual([400, 400]);
    const limited = await upload(roundId, first.token);
    // 6 a minute: the next token in 10 s.
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '10']);
    expect((await upload(roundId, second.token)).status).toBe(400);
    now += 10_000;
    expect((await upload(roundId, first.token)).status).toBe(400);
  });
});
