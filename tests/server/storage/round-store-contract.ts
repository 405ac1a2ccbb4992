/**
 * The behaviour every RoundStore must have, run against each implementation
 * (sqlite-round-store.test.ts, postgres-round-store.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { DuplicateRoundEventError, RoundNotOpenError, type RoundStore } from '../../../src/server/storage/round-store.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);

export function roundStoreContract(name: string, open: () => Promise<RoundStore>): void {
  describe(`${name} round store`, () => {
    const opened = async (id = 'r1', merchant = 'm1', openedAt = 1000) => {
      const store = await open();
      await store.createRound({ id, merchant, modelVersion: 'v1', config: { cohort: 10, clip: 1.5 }, openedAt });
      return store;
    };

    it('keeps a round and its config as given', async () => {
      const store = await opened();
      expect(await store.round('r1')).toEqual({
        id: 'r1', merchant: 'm1', modelVersion: 'v1', config: { cohort: 10, clip: 1.5 }, state: 'open', openedAt: 1000, closedAt: null, outcome: null,
      });
      expect(await store.round('nope')).toBeNull();
      await store.close();
    });

    it('appends events in order with their bytes intact', async () => {
      const store = await opened();
      expect(await store.appendEvent('r1', { kind: 'advertise', client: 3, payload: bytes(1, 2, 3), at: 1001 })).toBe(1);
      expect(await store.appendEvent('r1', { kind: 'advertise', client: 7, payload: bytes(), at: 1002 })).toBe(2);
      expect(await store.appendEvent('r1', { kind: 'close-advertising', client: null, payload: bytes(9), at: 1003 })).toBe(3);
      const large = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31) & 255);
      expect(await store.appendEvent('r1', { kind: 'masked-input', client: 3, payload: large.subarray(10), at: 1004 })).toBe(4);
      const events = await store.events('r1');
      expect(events.map((e) => [e.seq, e.kind, e.client, e.at])).toEqual([
        [1, 'advertise', 3, 1001], [2, 'advertise', 7, 1002], [3, 'close-advertising', null, 1003], [4, 'masked-input', 3, 1004],
      ]);
      expect(Array.from(events[0]!.payload)).toEqual([1, 2, 3]);
      expect(events[1]!.payload.length).toBe(0);
      expect(Buffer.compare(events[3]!.payload, large.subarray(10))).toBe(0);
      await store.close();
    });

    it('refuses a replayed message and keeps the first', async () => {
      const store = await opened();
      await store.appendEvent('r1', { kind: 'masked-input', client: 3, payload: bytes(1), at: 1 });
      await expect(store.appendEvent('r1', { kind: 'masked-input', client: 3, payload: bytes(2), at: 2 })).rejects.toThrow(DuplicateRoundEventError);
      // The server's own phase changes carry no client and may repeat kinds across phases.
      await store.appendEvent('r1', { kind: 'tick', client: null, payload: bytes(), at: 3 });
      await store.appendEvent('r1', { kind: 'tick', client: null, payload: bytes(), at: 4 });
      const events = await store.events('r1');
      expect(events.map((e) => [e.seq, e.kind, Array.from(e.payload)])).toEqual([[1, 'masked-input', [1]], [2, 'tick', []], [3, 'tick', []]]);
      await store.close();
    });

    it('numbers concurrent appends densely and lets exactly one of concurrent replays through', async () => {
      const store = await opened();
      const seqs = await Promise.all(Array.from({ length: 40 }, (_, client) => store.appendEvent('r1', { kind: 'advertise', client, payload: bytes(client), at: client })));
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      const replays = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.appendEvent('r1', { kind: 'masked-input', client: 5, payload: bytes(i), at: 100 + i })));
      expect(replays.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual([41]);
      expect(replays.filter((r) => r.status === 'rejected').every((r) => r.reason instanceof DuplicateRoundEventError)).toBe(true);
      const events = await store.events('r1');
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
      // Each event kept the payload its own append sent, whatever order they landed in.
      events.slice(0, 40).forEach((e) => expect(Array.from(e.payload)).toEqual([e.client]));
      await store.close();
    });

    it('refuses only the replay among concurrent appends, the others keeping the order they were made in', async () => {
      const store = await opened();
      const append = (client: number, value: number) => store.appendEvent('r1', { kind: 'masked-input', client, payload: bytes(value), at: value });
      const results = await Promise.allSettled([append(1, 10), append(2, 20), append(1, 11), append(3, 30), append(2, 21), append(4, 40)]);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).name))).toEqual([1, 2, 'DuplicateRoundEventError', 3, 'DuplicateRoundEventError', 4]);
      expect((await store.events('r1')).map((e) => [e.seq, e.client, Array.from(e.payload)])).toEqual([[1, 1, [10]], [2, 2, [20]], [3, 3, [30]], [4, 4, [40]]]);
      await store.close();
    });

    it('accepts nothing for an unknown or closed round, and closes a round once', async () => {
      const store = await opened();
      await expect(store.appendEvent('nope', { kind: 'advertise', client: 1, payload: bytes(), at: 1 })).rejects.toThrow(RoundNotOpenError);
      await store.closeRound('r1', 'aborted', { reason: 'too few survivors' }, 2000);
      await expect(store.appendEvent('r1', { kind: 'advertise', client: 1, payload: bytes(), at: 1 })).rejects.toThrow(/r1 is aborted/);
      await expect(store.closeRound('r1', 'completed', {}, 2001)).rejects.toThrow(RoundNotOpenError);
      expect(await store.round('r1')).toMatchObject({ state: 'aborted', closedAt: 2000, outcome: { reason: 'too few survivors' } });
      expect(await store.events('r1')).toEqual([]);
      await store.close();
    });

    it('lists rounds newest first, by merchant and state', async () => {
      const store = await opened('a', 'm1', 1);
      await store.createRound({ id: 'b', merchant: 'm2', modelVersion: 'v1', config: {}, openedAt: 2 });
      await store.createRound({ id: 'c', merchant: 'm1', modelVersion: 'v2', config: {}, openedAt: 3 });
      await store.closeRound('a', 'completed', { sum: 'x' }, 5);
      expect((await store.rounds()).map((r) => r.id)).toEqual(['c', 'b', 'a']);
      expect((await store.rounds({ merchant: 'm1' })).map((r) => r.id)).toEqual(['c', 'a']);
      expect((await store.rounds({ merchant: 'm1', state: 'open' })).map((r) => r.id)).toEqual(['c']);
      expect((await store.rounds({ state: 'completed' })).map((r) => r.id)).toEqual(['a']);
      await expect(store.createRound({ id: 'a', merchant: 'm1', modelVersion: 'v1', config: {}, openedAt: 9 })).rejects.toThrow();
      await store.close();
    });
  });
}
