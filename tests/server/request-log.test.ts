import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUND_PRIVACY } from '../support/round-server.ts';
import { ACME_KEY, startOpsApp, type OpsApp } from '../support/ops-app.ts';

describe('structured logs', () => {
  let server: OpsApp;
  beforeAll(async () => {
    server = await startOpsApp();
  });
  afterAll(() => server.app.close());

  it('log each request once as JSON with its id, route, status and duration, and nothing that identifies a shopper', async () => {
    const { base } = server;
    const merchant = { 'Content-Type': 'application/json', Authorization: `Bearer ${ACME_KEY}` };
    const opened = await fetch(`${base}/v1/rounds`, { method: 'POST', headers: merchant, body: JSON.stringify({ length: 4, privacy: ROUND_PRIVACY }) });
    const { roundId } = (await opened.json()) as { roundId: string };
    const { index, token } = (await (await fetch(`${base}/v1/rounds/${roundId}/check-in?device=shopper-42`, { method: 'POST' })).json()) as { index: number; token: string };
    await fetch(`${base}/v1/rounds/${roundId}/reply/${index}`, { headers: { Authorization: `Bearer ${token}` } });
    await fetch(`${base}/v1/rounds/${roundId}/messages/advertise`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: '{"not":"a message"}' });
    await fetch(`${base}/no/such/page?email=a@b.example`);

    const requests = server.logs.filter((line) => line.msg === 'request completed');
    expect(requests.map((line) => [line.method, line.route, line.status])).toEqual([
      ['POST', '/v1/rounds', 201],
      ['POST', '/v1/rounds/:roundId/check-in', 201],
      ['GET', '/v1/rounds/:roundId/reply/:index', 204],
      ['POST', '/v1/rounds/:roundId/messages/:kind', 400],
      ['GET', '/no/such/page', 404],
    ]);
    for (const line of requests) {
      expect(line.reqId).toMatch(/^req-/);
      expect(typeof line.durationMs).toBe('number');
      expect(line.level).toBe(30);
    }
    expect(new Set(requests.map((line) => line.reqId)).size).toBe(requests.length);
    // The client's address is the server's too here: only the server's own start-up line may name it.
    const text = server.logText().split('\n').filter((line) => !line.includes('Server listening at')).join('\n');
    for (const secret of ['127.0.0.1', token, ACME_KEY, 'shopper-42', 'a@b.example', 'remoteAddress']) expect(text).not.toContain(secret);
  });

  it('log round events with counts', async () => {
    const { base } = server;
    const merchant = { 'Content-Type': 'application/json', Authorization: `Bearer ${ACME_KEY}` };
    const { roundId } = (await (await fetch(`${base}/v1/rounds`, { method: 'POST', headers: merchant, body: JSON.stringify({ length: 4, privacy: ROUND_PRIVACY }) })).json()) as { roundId: string };
    await fetch(`${base}/v1/rounds/${roundId}/advance`, { method: 'POST', headers: { Authorization: `Bearer ${ACME_KEY}` } });
    const events = server.logs.filter((line) => line.roundId === roundId && line.event);
    expect(events.map((line) => line.event)).toEqual(['round-opened', 'round-aborted']);
    expect(events[0]).toMatchObject({ merchant: 'acme', length: 4, rounds: expect.any(Number), roundEpsilon: expect.any(Number) });
    expect(events[1]!.reason).toMatch(/.+/);
  });
});
