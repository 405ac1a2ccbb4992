import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecAggClient } from '../../src/client/secagg-client.ts';
import { encodeUpdate } from '../../src/core/fixed-point.ts';
import { addInto } from '../../src/core/ring.ts';
import type { RoundConfig, Roster, ShareInbox, UnmaskRequest } from '../../src/core/secagg-protocol.ts';
import { decodeWords, encodeClientMessage, type ClientMessageKind, type ClientMessages } from '../../src/core/secagg-wire.ts';
import { RoundCoordinator, UnauthenticatedError } from '../../src/server/round-coordinator.ts';
import type { RoundStore } from '../../src/server/storage/round-store.ts';
import { SqliteRoundStore } from '../../src/server/storage/sqlite-round-store.ts';
import { barePlan, ROUND_PRIVACY } from '../support/round-server.ts';
import { fixedPoint } from '../support/secagg-simulation.ts';

const LENGTH = 64;
const tolerance = { dropout: 0.3, collusion: 0 };
const storePath = () => join(mkdtempSync(join(tmpdir(), 'privet-coordinator-')), 'rounds.sqlite');

function input(index: number): Uint32Array {
  const update = Float32Array.from({ length: LENGTH }, (_, i) => Math.sin(index * 7.3 + i) / Math.sqrt(LENGTH));
  return encodeUpdate(update, fixedPoint(LENGTH));
}

/** A store that fails the appends and closes a test names, once each, as a full disk would. */
function failing(store: RoundStore, fail: { append?: string; close?: boolean }): RoundStore {
  return {
    createRound: (round) => store.createRound(round),
    round: (id) => store.round(id),
    rounds: (filter) => store.rounds(filter),
    events: (id) => store.events(id),
    close: () => store.close(),
    appendEvent: async (id, event) => {
      if (event.kind === fail.append) {
        delete fail.append;
        throw new Error('disk full');
      }
      return store.appendEvent(id, event);
    },
    closeRound: async (id, state, outcome, at) => {
      if (fail.close) {
        fail.close = false;
        throw new Error('disk full');
      }
      return store.closeRound(id, state, outcome, at);
    },
  };
}

interface Run {
  clients: Map<number, SecAggClient>;
  tokens: Map<number, string>;
  /** Restarts the coordinator from what the store holds, as a server process would after a crash. */
  restart: () => Promise<void>;
  coordinator: () => RoundCoordinator;
  send: <K extends ClientMessageKind>(kind: K, message: ClientMessages[K]) => Promise<void>;
  reply: (index: number) => Roster | ShareInbox | UnmaskRequest | null;
}

async function startRound(path: string, roundId: string, clients: number): Promise<Run> {
  const config: RoundConfig = { roundId, length: LENGTH, tolerance };
  let store = new SqliteRoundStore(path);
  let coordinator = await RoundCoordinator.restore(store);
  await coordinator.open('merchant-1', 'v1', config, ROUND_PRIVACY, { epsilon: 100, delta: 1e-6 }, barePlan());
  const tokens = new Map<number, string>();
  const started = [];
  for (let i = 0; i < clients; i++) {
    const { index, token } = await coordinator.checkIn(roundId);
    tokens.set(index, token);
    started.push(await SecAggClient.start(config, index));
  }
  const run: Run = {
    clients: new Map(started.map(({ client }) => [client.index, client])),
    tokens,
    coordinator: () => coordinator,
    restart: async () => {
      await store.close();
      store = new SqliteRoundStore(path);
      coordinator = await RoundCoordinator.restore(store);
    },
    send: (kind, message) => coordinator.submit(roundId, kind, encodeClientMessage(kind, message), tokens.get(message.index)),
    reply: (index) => coordinator.reply(roundId, index, tokens.get(index))?.body ?? null,
  };
  for (const { advertise } of started) await run.send('advertise', advertise);
  return run;
}

describe('RoundCoordinator', () => {
  it('completes a round with the exact sum across a restart after every phase, dropouts included', async () => {
    const path = storePath();
    const run = await startRound(path, 'r-restart', 12);
    await run.restart();
    await run.coordinator().advance('r-restart', 'merchant-1');
    for (const client of run.clients.values()) {
      const roster = run.reply(client.index) as Roster;
      await run.send('share-keys', await client.shareKeys(roster));
    }
    await run.restart();
    await run.coordinator().advance('r-restart', 'merchant-1');
    const droppedAfterSharing = new Set([2, 9]);
    const expected = new Uint32Array(LENGTH);
    for (const client of run.clients.values()) {
      if (droppedAfterSharing.has(client.index)) continue;
      const inbox = run.reply(client.index) as ShareInbox;
      await run.send('masked-input', await client.maskInput(inbox, input(client.index)));
      addInto(expected, input(client.index));
    }
    await run.restart();
    expect(run.coordinator().phase('r-restart')).toBe('masking');
    await run.coordinator().advance('r-restart', 'merchant-1');
    for (const client of run.clients.values()) {
      // Client 5 sent its masked input, then left before unmasking.
      if (droppedAfterSharing.has(client.index) || client.index === 5) continue;
      const request = run.reply(client.index) as UnmaskRequest;
      await run.send('unmask', client.unmask(request));
    }
    await run.restart();
    const summary = await run.coordinator().advance('r-restart', 'merchant-1');
    expect(summary.phase).toBe('finished');
    expect(summary.result!.survivors).toEqual([1, 3, 4, 5, 6, 7, 8, 10, 11, 12]);
    expect(Array.from(summary.result!.sum)).toEqual(Array.from(expected));

    // The store keeps the completed round with its sum; nothing of it stays open.
    await run.restart();
    const store = new SqliteRoundStore(path);
    const record = await store.round('r-restart');
    expect(record).toMatchObject({ state: 'completed', merchant: 'merchant-1', modelVersion: 'v1' });
    const outcome = record!.outcome as { survivors: number[]; sum: string };
    expect(Array.from(decodeWords(outcome.sum, 'sum'))).toEqual(Array.from(expected));
    expect(() => run.coordinator().phase('r-restart')).toThrow(/no open round/);
    await store.close();
  });

  it('logs nothing it refuses: a replay, a wrong length, another round, a malformed body, a missing or wrong token', async () => {
    const path = storePath();
    const run = await startRound(path, 'r-bad', 5);
    await run.coordinator().advance('r-bad', 'merchant-1');
    const client = run.clients.get(1)!;
    const shareKeys = await client.shareKeys(run.reply(1) as Roster);
    // Client 2's token cannot speak for client 1, and no token speaks for nobody.
    const bytes = encodeClientMessage('share-keys', shareKeys);
    const stranger = run.tokens.get(2)!;
    await expect(run.coordinator().checkIn('r-bad')).rejects.toThrow(/admits no new clients \(it is sharing\)/);
    await expect(run.coordinator().submit('r-bad', 'share-keys', bytes, undefined)).rejects.toThrow(UnauthenticatedError);
    await expect(run.coordinator().submit('r-bad', 'share-keys', bytes, stranger)).rejects.toThrow(/no valid token for client 1/);
    expect(() => run.coordinator().reply('r-bad', 1, 'guess')).toThrow(UnauthenticatedError);
    await run.send('share-keys', shareKeys);
    await expect(run.send('share-keys', shareKeys)).rejects.toThrow(/already shared keys/);
    await expect(run.send('masked-input', { roundId: 'r-bad', index: 1, masked: new Uint32Array(3) })).rejects.toThrow(/takes no masked input now/);
    await expect(run.coordinator().submit('r-bad', 'advertise', new TextEncoder().encode('{"roundId":'), 'x')).rejects.toThrow(/UTF-8 JSON/);
    await expect(run.coordinator().submit('r-other', 'advertise', new Uint8Array(), 'x')).rejects.toThrow(/no open round "r-other"/);
    const store = new SqliteRoundStore(path);
    expect((await store.events('r-bad')).map((e) => [e.kind, e.client])).toEqual([
      ['check-in', 1], ['check-in', 2], ['check-in', 3], ['check-in', 4], ['check-in', 5],
      ['advertise', 1], ['advertise', 2], ['advertise', 3], ['advertise', 4], ['advertise', 5], ['close-advertising', null], ['share-keys', 1],
    ]);
    // Only hashes of the tokens are kept.
    const logged = (await store.events('r-bad')).filter((e) => e.kind === 'check-in').map((e) => Buffer.from(e.payload).toString());
    expect(logged.every((payload) => !payload.includes(stranger))).toBe(true);
    await store.close();
  });

  it('aborts and closes a round that can no longer complete', async () => {
    const path = storePath();
    const run = await startRound(path, 'r-abort', 6);
    await run.coordinator().advance('r-abort', 'merchant-1');
    // Only one client shares keys: nobody else can hold its shares.
    const client = run.clients.get(1)!;
    await run.send('share-keys', await client.shareKeys(run.reply(1) as Roster));
    const summary = await run.coordinator().advance('r-abort', 'merchant-1');
    expect(summary.phase).toBe('aborted');
    expect(summary.abortReason).toMatch(/fewer than the threshold/);
    const store = new SqliteRoundStore(path);
    expect(await store.round('r-abort')).toMatchObject({ state: 'aborted', outcome: { reason: summary.abortReason } });
    await store.close();
    await run.restart();
    expect(() => run.coordinator().phase('r-abort')).toThrow(/no open round/);
  });

  it('forgets a message the disk did not take, so the client can send it again', async () => {
    const store = new SqliteRoundStore(storePath());
    const flaky = failing(store, { append: 'advertise' });
    const coordinator = await RoundCoordinator.restore(flaky);
    const config: RoundConfig = { roundId: 'r-flaky', length: LENGTH, tolerance };
    await coordinator.open('m', 'v1', config, ROUND_PRIVACY, { epsilon: 100, delta: 1e-6 }, barePlan());
    const { index, token } = await coordinator.checkIn('r-flaky');
    const { advertise } = await SecAggClient.start(config, index);
    const bytes = encodeClientMessage('advertise', advertise);
    await expect(coordinator.submit('r-flaky', 'advertise', bytes, token)).rejects.toThrow('disk full');
    // Had memory kept it, this would be refused as a replay.
    await coordinator.submit('r-flaky', 'advertise', bytes, token);
    expect((await store.events('r-flaky')).map((e) => [e.kind, e.client])).toEqual([['check-in', 1], ['advertise', 1]]);
    await store.close();
  });

  it('closes, on restart, a round whose sum was logged but whose close was lost', async () => {
    const path = storePath();
    const run = await startRound(path, 'r-close', 4);
    await run.coordinator().advance('r-close', 'merchant-1');
    for (const client of run.clients.values()) {
      await run.send('share-keys', await client.shareKeys(run.reply(client.index) as Roster));
    }
    await run.coordinator().advance('r-close', 'merchant-1');
    for (const client of run.clients.values()) {
      const inbox = run.reply(client.index) as ShareInbox;
      await run.send('masked-input', await client.maskInput(inbox, input(client.index)));
    }
    await run.coordinator().advance('r-close', 'merchant-1');
    for (const client of run.clients.values()) {
      await run.send('unmask', client.unmask(run.reply(client.index) as UnmaskRequest));
    }
    const store = new SqliteRoundStore(path);
    const coordinator = await RoundCoordinator.restore(failing(store, { close: true }));
    await expect(coordinator.advance('r-close', 'merchant-1')).rejects.toThrow('disk full');
    expect((await store.round('r-close'))!.state).toBe('open');
    await RoundCoordinator.restore(store);
    const outcome = (await store.round('r-close'))!.outcome as { survivors: number[] };
    expect((await store.round('r-close'))!.state).toBe('completed');
    expect(outcome.survivors).toEqual([1, 2, 3, 4]);
    await store.close();
  });
});
