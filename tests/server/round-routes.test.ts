import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeUpdate } from '../../src/core/fixed-point.ts';
import { addInto } from '../../src/core/ring.ts';
import { decodeWords } from '../../src/core/secagg-wire.ts';
import { RoundCoordinator } from '../../src/server/round-coordinator.ts';
import { registerRoundRoutes } from '../../src/server/round-routes.ts';
import { openRoundStore } from '../../src/server/storage/open-round-store.ts';
import { SqliteRoundStore } from '../../src/server/storage/sqlite-round-store.ts';
import { repoRoot } from '../support/models.ts';
import { HttpRoundClient } from '../../src/client/round-http-client.ts';
import { MERCHANT_KEY, merchantKeys, OTHER_MERCHANT_KEY, privacyBudget, ROUND_PRIVACY } from '../support/round-server.ts';
import { startPostgres, type PostgresCluster } from '../support/postgres.ts';
import { fixedPoint } from '../support/secagg-simulation.ts';

const LENGTH = 32;
// The round API asks the model registry for a catalogue's models; here "demo" has a ranker and an intent head, "plain" a ranker only.
const demoModels = (catalog: string, model: 'ranker' | 'intent') => {
  if (model === 'ranker') return catalog === 'demo' || catalog === 'plain' ? { file: `ranker.${catalog}.abc.json`, length: 50 } : null;
  return catalog === 'demo' ? { file: 'intent.demo.def.json', length: 30 } : null;
};
const merchant = { 'Content-Type': 'application/json', Authorization: `Bearer ${MERCHANT_KEY}` };
const input = (index: number) => encodeUpdate(Float32Array.from({ length: LENGTH }, (_, i) => Math.cos(index + i * 0.37) / 8), fixedPoint(LENGTH));

async function openRound(base: string): Promise<string> {
  const response = await fetch(`${base}/v1/rounds`, { method: 'POST', headers: merchant, body: JSON.stringify({ length: LENGTH, tolerance: { dropout: 0.3, collusion: 0 }, privacy: ROUND_PRIVACY }) });
  expect(response.status).toBe(201);
  return ((await response.json()) as { roundId: string }).roundId;
}

async function advance(base: string, roundId: string): Promise<{ phase: string; abortReason: string; survivors?: number }> {
  const response = await fetch(`${base}/v1/rounds/${roundId}/advance`, { method: 'POST', headers: { Authorization: `Bearer ${MERCHANT_KEY}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as { phase: string; abortReason: string; survivors?: number };
}

async function completedSum(where: StoreUnderTest, roundId: string): Promise<number[]> {
  const store = await openRoundStore(where);
  const record = await store.round(roundId);
  await store.close();
  expect(record?.state).toBe('completed');
  return Array.from(decodeWords((record!.outcome as { sum: string }).sum, 'sum'));
}

describe('round API', () => {
  let app: FastifyInstance;
  let base: string;
  let completions = 0;
  const path = join(mkdtempSync(join(tmpdir(), 'privet-routes-')), 'rounds.sqlite');

  beforeAll(async () => {
    app = Fastify();
    await registerRoundRoutes(app, { coordinator: await RoundCoordinator.restore(new SqliteRoundStore(path)), merchantKeys, modelVersion: () => 'v1', modelOf: demoModels, privacyBudget,
      onRoundCompleted: async () => void completions++ });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  it('opens a catalogue round with its plan, and shows it to that merchant\'s browsers only while it takes check-ins', async () => {
    const open = async (body: object) => fetch(`${base}/v1/rounds`, { method: 'POST', headers: merchant, body: JSON.stringify({ privacy: ROUND_PRIVACY, ...body }) });
    expect((await (await open({ catalog: 'nope' })).json()).error).toMatch(/catalogue "nope" has no ranker/);
    expect((await (await open({ catalog: 'plain', model: 'intent' })).json()).error).toMatch(/catalogue "plain" has no intent head/);
    expect((await (await open({ length: 30, model: 'intent' })).json()).error).toMatch(/model and optimizer need the catalogue/);
    expect((await open({ catalog: 'demo', optimizer: 'sgd' })).status).toBe(400);
    const unknownModel = await open({ catalog: 'demo', model: 'encoder' });
    expect(unknownModel.status).toBe(400);
    expect((await unknownModel.json()).error).toMatch(/model/);
    expect((await (await open({ catalog: 'demo', length: 7 })).json()).error).toMatch(/not the length/);
    expect((await (await open({ catalog: 'demo', maxClients: 5, expectedCohort: 6 })).json()).error).toMatch(/expectedCohort/);
    expect((await (await open({ catalog: 'demo', maxClients: 2 })).json()).error).toMatch(/maxClients/);
    const before = Date.now();
    const response = await open({ catalog: 'demo', maxClients: 3, expectedCohort: 2.5, checkInSeconds: 30 });
    expect(response.status).toBe(201);
    const { roundId, plan } = (await response.json()) as { roundId: string; plan: { fixedPointScale: number; checkInUntil: number } };
    // 3 clients of ⌈2·2^28⌉ = 2^29 sum to 1.5·2^30 < 2^31; 2^29 would reach 3·2^30.
    expect(plan.fixedPointScale).toBe(2 ** 28);
    expect(plan.checkInUntil).toBeGreaterThanOrEqual(before + 30_000);

    const discover = (who: string) => fetch(`${base}/v1/rounds/open?merchant=${who}`);
    expect((await discover('m2')).status).toBe(204);
    expect((await fetch(`${base}/v1/rounds/open`)).status).toBe(400);
    const found = await discover('m1');
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({
      roundId, merchant: 'm1', modelVersion: 'v1', catalog: 'demo', model: 'ranker', file: 'ranker.demo.abc.json', length: 50,
      tolerance: { dropout: 0.3, collusion: 0.05 }, privacy: ROUND_PRIVACY, fixedPoint: { scale: 2 ** 28 }, expectedCohort: 2.5,
      checkInUntil: plan.checkInUntil,
    });
    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/v1/rounds/${roundId}/check-in`, { method: 'POST' })).status).toBe(201);
    // Full: refused, and no longer offered.
    const fourth = await fetch(`${base}/v1/rounds/${roundId}/check-in`, { method: 'POST' });
    expect(fourth.status).toBe(409);
    expect((await fourth.json()).error).toMatch(/full \(3 clients\)/);
    expect((await discover('m1')).status).toBe(204);

    // The merchant's list: this round with its live count and its ε; nobody else's rounds, and only with its key.
    expect((await fetch(`${base}/v1/rounds`)).status).toBe(401);
    const listed = (await (await fetch(`${base}/v1/rounds?limit=5`, { headers: merchant })).json()) as { rounds: { roundId: string; state: string; phase: string; checkedIn: number; catalog: string; spend: { cumulativeEpsilon: number }; published: unknown }[] };
    expect(listed.rounds[0]).toMatchObject({ roundId, state: 'open', phase: 'advertising', checkedIn: 3, catalog: 'demo', published: null });
    expect(listed.rounds[0]!.spend.cumulativeEpsilon).toBeGreaterThan(0);
    const other = (await (await fetch(`${base}/v1/rounds`, { headers: { Authorization: `Bearer ${OTHER_MERCHANT_KEY}` } })).json()) as { rounds: unknown[] };
    expect(other.rounds).toEqual([]);
    expect((await fetch(`${base}/v1/rounds?limit=0`, { headers: merchant })).status).toBe(400);

    // A round for the catalogue's intent head: its own file and length, announced with its model.
    const intent = await open({ catalog: 'demo', model: 'intent', optimizer: 'fedavg', maxClients: 3 });
    expect(intent.status).toBe(201);
    const opened = (await intent.json()) as { roundId: string; length: number; plan: { task: unknown } };
    expect(opened).toMatchObject({ length: 30, plan: { task: { catalog: 'demo', model: 'intent', file: 'intent.demo.def.json', optimizer: 'fedavg' } } });
    expect(await (await discover('m1')).json()).toMatchObject({ roundId: opened.roundId, model: 'intent', file: 'intent.demo.def.json', length: 30 });
    const rounds = (await (await fetch(`${base}/v1/rounds?limit=5`, { headers: merchant })).json()) as { rounds: { roundId: string; model: string; optimizer: string }[] };
    expect(rounds.rounds.map((r) => [r.roundId, r.model, r.optimizer])).toEqual([[opened.roundId, 'intent', 'fedavg'], [roundId, 'ranker', 'fedadam']]);
  });

  it('runs a whole round over HTTP to the exact sum, a client dropping out after sharing keys', async () => {
    const roundId = await openRound(base);
    expect(await (await fetch(`${base}/v1/rounds/${roundId}`)).json()).toEqual({ roundId, phase: 'advertising', length: LENGTH, tolerance: { dropout: 0.3, collusion: 0 } });
    const clients = await Promise.all(Array.from({ length: 8 }, () => HttpRoundClient.join(base, roundId)));
    expect(clients.map((c) => c.index).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await advance(base, roundId);
    for (const c of clients) await c.send('share-keys', await c.client.shareKeys(await c.reply('roster')));
    await advance(base, roundId);
    const expected = new Uint32Array(LENGTH);
    for (const c of clients.filter((c) => c.index !== 4)) {
      await c.send('masked-input', await c.client.maskInput(await c.reply('inbox'), input(c.index)));
      addInto(expected, input(c.index));
    }
    await advance(base, roundId);
    for (const c of clients.filter((c) => c.index !== 4)) await c.send('unmask', c.client.unmask(await c.reply('unmask-request')));
    const before = completions;
    expect(await advance(base, roundId)).toEqual({ phase: 'finished', abortReason: '', survivors: 7 });
    // The server's step (noise, FedAdam, publish) follows a merchant's advance as it follows the scheduler's.
    expect(completions).toBe(before + 1);
    expect(await completedSum({ sqliteFile: path }, roundId)).toEqual(Array.from(expected));
  });

  it('answers bad requests with their status and a clear error, changing nothing', async () => {
    const post = (url: string, init: RequestInit = {}) => fetch(`${base}${url}`, { method: 'POST', ...init });
    expect((await post('/v1/rounds', { headers: { 'Content-Type': 'application/json' }, body: '{"length":4}' })).status).toBe(401);
    expect((await post('/v1/rounds', { headers: { ...merchant, Authorization: 'Bearer wrong' }, body: '{"length":4}' })).status).toBe(401);
    const badLength = await post('/v1/rounds', { headers: merchant, body: JSON.stringify({ length: 0, privacy: ROUND_PRIVACY }) });
    expect([badLength.status, ((await badLength.json()) as { error: string }).error]).toEqual([400, 'body/length must be >= 1']);
    expect((await post('/v1/rounds', { headers: merchant, body: JSON.stringify({ length: 4, pad: 'x'.repeat(20_000) }) })).status).toBe(413);
    expect((await post('/v1/rounds/nope/check-in')).status).toBe(404);

    const roundId = await openRound(base);
    const client = await HttpRoundClient.join(base, roundId);
    const upload = (kind: string, body: string, token = client.token) =>
      post(`/v1/rounds/${roundId}/messages/${kind}`, { headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body });
    expect((await upload('gossip', '{}')).status).toBe(404);
    expect((await upload('advertise', '{"roundId":')).status).toBe(400);
    const replay = await upload('advertise', JSON.stringify({ roundId, index: client.index, keys: { channel: 'AA==', masking: 'AA==' } }));
    expect(replay.status).toBe(409);
    expect(((await replay.json()) as { error: string }).error).toMatch(/already advertised keys/);
    const stolen = await upload('advertise', JSON.stringify({ roundId, index: client.index, keys: { channel: 'AA==', masking: 'AA==' } }), 'stolen');
    expect([stolen.status, ((await stolen.json()) as { error: string }).error]).toEqual([401, `secagg: no valid token for client ${client.index} of round "${roundId}"`]);
    expect((await fetch(`${base}/v1/rounds/${roundId}/reply/${client.index}`, { headers: { Authorization: 'Bearer stolen' } })).status).toBe(401);
    // Nothing is due before the phase closes.
    expect((await fetch(`${base}/v1/rounds/${roundId}/reply/${client.index}`, { headers: { Authorization: `Bearer ${client.token}` } })).status).toBe(204);
    expect((await post(`/v1/rounds/${roundId}/advance`)).status).toBe(401);
    const otherMerchant = await post(`/v1/rounds/${roundId}/advance`, { headers: { Authorization: `Bearer ${OTHER_MERCHANT_KEY}` } });
    expect([otherMerchant.status, ((await otherMerchant.json()) as { error: string }).error]).toEqual([401, `secagg: round "${roundId}" belongs to another merchant`]);
  });
});

it("opens no round past a merchant's ε budget; rounds still open count, aborted ones do not; GET /v1/privacy says where the merchant stands", async () => {
  const app = Fastify();
  const path = join(mkdtempSync(join(tmpdir(), 'privet-budget-')), 'rounds.sqlite');
  await registerRoundRoutes(app, { coordinator: await RoundCoordinator.restore(new SqliteRoundStore(path)), merchantKeys, modelVersion: () => 'v1', modelOf: demoModels, privacyBudget: { epsilon: 2.2, delta: 1e-6 } });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const open = () => fetch(`${base}/v1/rounds`, { method: 'POST', headers: merchant, body: JSON.stringify({ length: LENGTH, privacy: ROUND_PRIVACY }) });
    const first = (await (await open()).json()) as { roundId: string; privacy: { roundEpsilon: number; cumulativeEpsilon: number; rounds: number; budget: number; delta: number } };
    expect(first.privacy).toMatchObject({ rounds: 1, budget: 2.2, delta: 1e-6 });
    expect(first.privacy.roundEpsilon).toBeCloseTo(1.9905, 3);
    expect(first.privacy.cumulativeEpsilon).toBeCloseTo(first.privacy.roundEpsilon, 9);
    const second = (await (await open()).json()) as { roundId: string; privacy: { cumulativeEpsilon: number } };
    expect(second.privacy.cumulativeEpsilon).toBeCloseTo(2.1569, 3);
    const refused = await open();
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toMatch(/would bring merchant m1's ε to 2\.323 .*past its budget of 2\.2/);
    const privacyNow = async (key = MERCHANT_KEY) => {
      const response = await fetch(`${base}/v1/privacy`, { headers: { Authorization: `Bearer ${key}` } });
      return { status: response.status, body: (await response.json()) as { budget: { epsilon: number; delta: number }; spent: { epsilon: number; rounds: number } } };
    };
    const both = await privacyNow();
    expect(both.body).toMatchObject({ budget: { epsilon: 2.2, delta: 1e-6 }, spent: { rounds: 2 } });
    expect(both.body.spent.epsilon).toBeCloseTo(second.privacy.cumulativeEpsilon, 9);
    // The second round aborts (nobody checked in): it revealed nothing, so its ε is given back.
    expect(await advance(base, second.roundId)).toMatchObject({ phase: 'aborted' });
    const afterAbort = await privacyNow();
    expect(afterAbort.body.spent.rounds).toBe(1);
    expect(afterAbort.body.spent.epsilon).toBeCloseTo(first.privacy.roundEpsilon, 9);
    expect((await privacyNow(OTHER_MERCHANT_KEY)).body.spent).toEqual({ epsilon: 0, rounds: 0 });
    expect((await fetch(`${base}/v1/privacy`)).status).toBe(401);
    expect((await privacyNow('wrong')).status).toBe(401);
    expect((await open()).status).toBe(201);
    const missing = await fetch(`${base}/v1/rounds`, { method: 'POST', headers: merchant, body: JSON.stringify({ length: LENGTH }) });
    expect([missing.status, ((await missing.json()) as { error: string }).error]).toEqual([400, "body must have required property 'privacy'"]);
  } finally {
    await app.close();
  }
});

/** Where a crash test's server keeps its rounds, as `npm run serve` is told. */
type StoreUnderTest = Parameters<typeof openRoundStore>[0];

/** Starts tests/support/round-server.ts on `port` and waits until it listens. */
async function startServer(where: StoreUnderTest, port: number): Promise<ChildProcess> {
  const env = { ...process.env, PRIVET_DATABASE_URL: where.databaseUrl ?? '' };
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'tests/support/round-server.ts'), where.sqliteFile, String(port)], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`round server exited (${code}): ${stderr}`)));
  });
  return child;
}

// The same crash test on each round store; PostgreSQL is a throwaway cluster from Debian's packages.
let postgres: PostgresCluster | undefined;
afterAll(async () => {
  await postgres?.destroy();
});
const crashStores: { name: string; where: () => Promise<StoreUnderTest> }[] = [
  { name: 'SQLite', where: async () => ({ sqliteFile: join(mkdtempSync(join(tmpdir(), 'privet-kill-')), 'rounds.sqlite') }) },
  { name: 'PostgreSQL', where: async () => ({ databaseUrl: (postgres ??= await startPostgres()).url, sqliteFile: '' }) },
];

it.each(crashStores)('loses nothing it accepted when the server is killed with SIGKILL mid-round, and the round completes after a restart ($name)', async ({ where: locate }) => {
  const where = await locate();
  // A port from the kernel, given back so the child can take it.
  const probe = Fastify();
  const port = Number(new URL(await probe.listen({ port: 0, host: '127.0.0.1' })).port);
  await probe.close();
  const base = `http://127.0.0.1:${port}`;
  let server = await startServer(where, port);
  const kill = async () => {
    server.kill('SIGKILL');
    await new Promise((resolve) => server.once('close', resolve));
  };
  try {
    const roundId = await openRound(base);
    const clients = await Promise.all(Array.from({ length: 10 }, () => HttpRoundClient.join(base, roundId)));
    await advance(base, roundId);
    for (const c of clients) await c.send('share-keys', await c.client.shareKeys(await c.reply('roster')));
    await advance(base, roundId);
    const expected = new Uint32Array(LENGTH);
    // Half the masked inputs, then the server dies.
    const sent = [];
    for (const c of clients.slice(0, 5)) {
      sent.push(await c.client.maskInput(await c.reply('inbox'), input(c.index)));
      await c.send('masked-input', sent.at(-1)!);
      addInto(expected, input(c.index));
    }
    await kill();
    server = await startServer(where, port);
    // The accepted uploads survived: a second upload from the same client is refused as a replay.
    await expect(clients[0]!.send('masked-input', sent[0]!)).rejects.toThrow(/409 .*already sent a masked input/);
    for (const c of clients.slice(5)) {
      await c.send('masked-input', await c.client.maskInput(await c.reply('inbox'), input(c.index)));
      addInto(expected, input(c.index));
    }
    await advance(base, roundId);
    for (const c of clients.slice(0, 7)) await c.send('unmask', c.client.unmask(await c.reply('unmask-request')));
    await kill();
    server = await startServer(where, port);
    for (const c of clients.slice(7)) await c.send('unmask', c.client.unmask(await c.reply('unmask-request')));
    expect(await advance(base, roundId)).toEqual({ phase: 'finished', abortReason: '', survivors: 10 });
    expect(await completedSum(where, roundId)).toEqual(Array.from(expected));
  } finally {
    await kill();
  }
});
