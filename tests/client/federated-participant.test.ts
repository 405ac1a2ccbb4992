/**
 * The participant over a real round server (Fastify + SQLite): it runs a round to the exact sum
 * by polling for each phase's reply, and it stops, as a tolerated dropout, when the shopper's
 * choice changes or the page aborts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { participate, ParticipationStoppedError } from '../../src/client/federated-participant.ts';
import { fetchOpenRound, HttpRoundClient, type RoundRequest } from '../../src/client/round-http-client.ts';
import { encodeUpdate } from '../../src/core/fixed-point.ts';
import type { RoundAnnouncement } from '../../src/core/round-announcement.ts';
import { addInto } from '../../src/core/ring.ts';
import { decodeWords } from '../../src/core/secagg-wire.ts';
import { RoundCoordinator } from '../../src/server/round-coordinator.ts';
import { registerRoundRoutes } from '../../src/server/round-routes.ts';
import { SqliteRoundStore } from '../../src/server/storage/sqlite-round-store.ts';
import { MERCHANT_KEY, merchantKeys, privacyBudget, ROUND_PRIVACY } from '../support/round-server.ts';

const LENGTH = 16;
/** Every round here is announced with the same plan, so one fixed-point scale serves them all. */
let scale = 0;
const input = (seed: number) => encodeUpdate(Float64Array.from({ length: LENGTH }, (_, i) => Math.sin(seed + i) / 10), { length: LENGTH, clip: ROUND_PRIVACY.clipNorm, scale });

describe('the federated participant', () => {
  let app: FastifyInstance;
  let base: string;
  const path = join(mkdtempSync(join(tmpdir(), 'privet-participant-')), 'rounds.sqlite');

  beforeAll(async () => {
    app = Fastify();
    await registerRoundRoutes(app, { coordinator: await RoundCoordinator.restore(new SqliteRoundStore(path)), merchantKeys, modelVersion: () => 'v1', modelOf: (catalog, model) => (catalog === 'demo' && model === 'ranker' ? { file: 'ranker.json', length: LENGTH } : null), privacyBudget });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => app.close());

  const merchant = async (route: string, body?: object) => {
    const response = await fetch(`${base}/v1/rounds${route}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${MERCHANT_KEY}` }, ...(body && { body: JSON.stringify(body) }) });
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as { roundId: string; phase: string; survivors?: number };
  };

  /** A round announced for browsers, three scripted clients in it, and the announcement. */
  async function roundWithThreeOthers(): Promise<{ round: RoundAnnouncement; others: HttpRoundClient[] }> {
    await merchant('', { catalog: 'demo', privacy: ROUND_PRIVACY, tolerance: { dropout: 0.3, collusion: 0 } });
    const round = (await fetchOpenRound(base, 'm1'))!;
    expect(round).toMatchObject({ catalog: 'demo', model: 'ranker', file: 'ranker.json', length: LENGTH });
    scale = round.fixedPoint.scale;
    const others = await Promise.all(Array.from({ length: 3 }, () => HttpRoundClient.join(base, round)));
    return { round, others };
  }

  /** Closes each phase once the participant has had its say, the scripted clients answering in turn. */
  async function driveRound(roundId: string, others: HttpRoundClient[], waitFor: (phase: string) => Promise<void>) {
    await waitFor('advertise');
    await merchant(`/${roundId}/advance`);
    for (const c of others) await c.send('share-keys', await c.client.shareKeys(await c.reply('roster')));
    await waitFor('share-keys');
    await merchant(`/${roundId}/advance`);
    for (const c of others) await c.send('masked-input', await c.client.maskInput(await c.reply('inbox'), input(c.index)));
    await waitFor('masked-input');
    await merchant(`/${roundId}/advance`);
    for (const c of others) await c.send('unmask', c.client.unmask(await c.reply('unmask-request')));
    await waitFor('unmask');
    return merchant(`/${roundId}/advance`);
  }

  it('polls through every phase and its input lands in the exact sum', async () => {
    const { round, others } = await roundWithThreeOthers();
    const sent: RoundRequest[] = [];
    const mine = input(99);
    const running = participate(base, round, mine, { pollMs: 20, stillAllowed: async () => true, onRequest: (r) => sent.push(r) });
    const uploaded = (kind: string) => expect.poll(() => sent.some((r) => r.url.endsWith(`/messages/${kind}`)), { timeout: 10_000, interval: 10 }).toBe(true);
    expect(await driveRound(round.roundId, others, uploaded)).toMatchObject({ phase: 'finished', survivors: 4 });
    expect(await running).toEqual({ index: 4 });
    const expected = new Uint32Array(LENGTH);
    for (const c of others) addInto(expected, input(c.index));
    addInto(expected, mine);
    const record = await new SqliteRoundStore(path).round(round.roundId);
    expect(Array.from(decodeWords((record!.outcome as { sum: string }).sum, 'sum'))).toEqual(Array.from(expected));
    // It polled while phases were open, and every request was reported with its bytes.
    expect(sent.filter((r) => r.method === 'GET').length).toBeGreaterThan(3);
    expect(sent.find((r) => r.url.endsWith('/messages/masked-input'))!.bytesSent).toBeGreaterThan(LENGTH * 4);
  });

  it('stops before its next upload when the shopper leaves mode contribute, and the round completes without it', async () => {
    const { round, others } = await roundWithThreeOthers();
    let allowed = true;
    const sent: RoundRequest[] = [];
    const running = participate(base, round, input(5), { pollMs: 20, stillAllowed: async () => allowed, onRequest: (r) => sent.push(r) });
    const outcome = running.catch((error: unknown) => error);
    const summary = await driveRound(round.roundId, others, async (kind) => {
      if (kind === 'advertise') await expect.poll(() => sent.some((r) => r.url.endsWith('/messages/advertise'))).toBe(true);
      if (kind === 'share-keys') {
        await expect.poll(() => sent.some((r) => r.url.endsWith('/messages/share-keys'))).toBe(true);
        allowed = false; // the shopper chose local while the keys were being shared
      }
      // Its inbox is there now: it must stop on it before the round moves on (on a loaded
      // machine the round could otherwise finish before its next poll, a 404 instead).
      if (kind === 'masked-input') await outcome;
    });
    expect(await outcome).toBeInstanceOf(ParticipationStoppedError);
    expect(sent.some((r) => r.url.endsWith('/messages/masked-input'))).toBe(false);
    expect(summary).toMatchObject({ phase: 'finished', survivors: 3 });
  });

  it('stops waiting at once when aborted (erase, deadline, page gone)', async () => {
    const { round } = await roundWithThreeOthers();
    const controller = new AbortController();
    const sent: RoundRequest[] = [];
    const running = participate(base, round, input(1), { pollMs: 60_000, stillAllowed: async () => true, signal: controller.signal, onRequest: (r) => sent.push(r) });
    // Checked in, advertised, asked for the roster once: now in a minute-long wait for the next poll.
    await expect.poll(() => sent.some((r) => r.url.includes('/reply/'))).toBe(true);
    controller.abort(new ParticipationStoppedError('erased'));
    await expect(running).rejects.toThrow('erased');
  });

  it('refuses an input of the wrong length before contacting the server', async () => {
    const { round } = await roundWithThreeOthers();
    await expect(participate(base, round, new Uint32Array(3), { pollMs: 20, stillAllowed: async () => true })).rejects.toThrow(/3 values, the round 16/);
  });
});
