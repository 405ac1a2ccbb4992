import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecAggClient } from '../../src/client/secagg-client.ts';
import { encodeUpdate } from '../../src/core/fixed-point.ts';
import { encodeClientMessage } from '../../src/core/secagg-wire.ts';
import { RoundCoordinator } from '../../src/server/round-coordinator.ts';
import { parseSchedules, phaseDue, RoundScheduler, type RoundSchedule } from '../../src/server/round-scheduler.ts';
import { SqliteRoundStore } from '../../src/server/storage/sqlite-round-store.ts';
import { merchantKeys, ROUND_PRIVACY } from '../support/round-server.ts';

const LENGTH = 8;

function recorder() {
  const entries: { level: string; message: string; entry: Record<string, unknown> }[] = [];
  return {
    entries,
    info: (entry: object, message: string) => void entries.push({ level: 'info', message, entry: entry as Record<string, unknown> }),
    warn: (entry: object, message: string) => void entries.push({ level: 'warn', message, entry: entry as Record<string, unknown> }),
  };
}

async function setUp(epsilon = 100, path = join(mkdtempSync(join(tmpdir(), 'privet-sched-')), 'r.sqlite'), start = 1_000_000, more: RoundSchedule[] = []) {
  let clock = start;
  const coordinator = await RoundCoordinator.restore(new SqliteRoundStore(path), () => clock);
  const federation = { coordinator, merchantKeys, modelVersion: () => 'v1', modelOf: () => null, privacyBudget: { epsilon, delta: 1e-6 }, now: () => clock };
  const schedule: RoundSchedule = { merchant: 'm1', everySeconds: 60, phaseSeconds: 5, round: { length: LENGTH, privacy: ROUND_PRIVACY, maxClients: 10, checkInSeconds: 10, tolerance: { dropout: 0.3, collusion: 0 } } };
  const log = recorder();
  let completed = 0;
  const scheduler = new RoundScheduler(federation, [schedule, ...more], async () => void completed++, log, () => clock);
  return { coordinator, scheduler, log, advanceClock: (ms: number) => (clock += ms), completed: () => completed };
}

describe('RoundScheduler', () => {
  it('opens a round, ends each phase at its deadline and reports the completed round', async () => {
    const { coordinator, scheduler, log, advanceClock, completed } = await setUp();
    await scheduler.tick();
    const [round] = coordinator.openRounds();
    expect(round).toMatchObject({ merchant: 'm1', phase: 'advertising' });
    const roundId = round!.id;
    const config = coordinator.config(roundId);
    const clients = [];
    for (let i = 0; i < 4; i++) {
      const { index, token } = await coordinator.checkIn(roundId);
      const { client, advertise } = await SecAggClient.start(config, index);
      await coordinator.submit(roundId, 'advertise', encodeClientMessage('advertise', advertise), token);
      clients.push({ client, token, index });
    }
    await scheduler.tick();
    expect(coordinator.openRounds()[0]!.phase).toBe('advertising'); // not due yet: check-in is open
    advanceClock(10_001);
    await scheduler.tick();
    expect(coordinator.phase(roundId)).toBe('sharing');
    for (const c of clients) {
      const roster = coordinator.reply(roundId, c.index, c.token)!;
      await coordinator.submit(roundId, 'share-keys', encodeClientMessage('share-keys', await c.client.shareKeys(roster.body as never)), c.token);
    }
    await scheduler.tick();
    expect(coordinator.phase(roundId)).toBe('sharing'); // the phase began just now: 5 s to go
    advanceClock(5_000);
    await scheduler.tick();
    expect(coordinator.phase(roundId)).toBe('masking');
    const scale = 1000;
    for (const c of clients) {
      const inbox = coordinator.reply(roundId, c.index, c.token)!;
      const input = encodeUpdate(new Float64Array(LENGTH).fill(c.index / 100), { length: LENGTH, clip: 2, scale });
      await coordinator.submit(roundId, 'masked-input', encodeClientMessage('masked-input', await c.client.maskInput(inbox.body as never, input)), c.token);
    }
    advanceClock(5_000);
    await scheduler.tick();
    for (const c of clients) {
      const request = coordinator.reply(roundId, c.index, c.token)!;
      await coordinator.submit(roundId, 'unmask', encodeClientMessage('unmask', c.client.unmask(request.body as never)), c.token);
    }
    advanceClock(5_000);
    await scheduler.tick();
    expect(completed()).toBe(1);
    expect(log.entries.map((e) => e.message)).toEqual(['round opened', 'round phase closed', 'round phase closed', 'round phase closed', 'round completed']);
    expect(log.entries.at(-1)!.entry).toMatchObject({ round: roundId, survivors: 4 });
    // The next round waits for its period, counted from the last opening.
    await scheduler.tick();
    expect(coordinator.openRounds()).toHaveLength(0);
    advanceClock(60_000 - 25_001);
    await scheduler.tick();
    expect(coordinator.openRounds()).toHaveLength(1);
  });

  it('keeps a phase\'s deadline across a restart: it counts from when the phase began, as logged', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'privet-sched-')), 'r.sqlite');
    const before = await setUp(100, path);
    await before.scheduler.tick();
    const roundId = before.coordinator.openRounds()[0]!.id;
    const config = before.coordinator.config(roundId);
    for (let i = 0; i < 3; i++) {
      const { index, token } = await before.coordinator.checkIn(roundId);
      const { advertise } = await SecAggClient.start(config, index);
      await before.coordinator.submit(roundId, 'advertise', encodeClientMessage('advertise', advertise), token);
    }
    const closedAt = before.advanceClock(10_001);
    await before.scheduler.tick();
    expect(before.coordinator.phase(roundId)).toBe('sharing');
    // A new process, 4 s later, knows nothing but the log.
    const after = await setUp(100, path, closedAt + 4_000);
    expect(after.coordinator.openRounds()[0]).toMatchObject({ id: roundId, phase: 'sharing', phaseSince: closedAt });
    await after.scheduler.tick();
    expect(after.coordinator.phase(roundId)).toBe('sharing');
    after.advanceClock(1_000);
    await after.scheduler.tick();
    // Nobody shared keys: the phase ended on time and the round aborted cleanly.
    expect(after.log.entries).toContainEqual(expect.objectContaining({ level: 'warn', message: 'round aborted', entry: expect.objectContaining({ round: roundId }) }));
  });

  it('aborts a round nobody joined, then opens the next one a period later', async () => {
    const { coordinator, scheduler, log, advanceClock } = await setUp();
    await scheduler.tick();
    const first = coordinator.openRounds()[0]!;
    advanceClock(10_001);
    await scheduler.tick();
    expect(log.entries.at(-1)).toMatchObject({ level: 'warn', message: 'round aborted', entry: { round: first.id } });
    expect(coordinator.openRounds()).toHaveLength(0);
    advanceClock(60_000 - 10_001);
    await scheduler.tick();
    expect(coordinator.openRounds().map((r) => r.id)).not.toContain(first.id);
    expect(coordinator.openRounds()).toHaveLength(1);
  });

  it('lets two schedules of one merchant (its ranker\'s and its intent head\'s) take turns, one round open at a time', async () => {
    const second: RoundSchedule = { merchant: 'm1', everySeconds: 60, phaseSeconds: 5, round: { length: 6, privacy: ROUND_PRIVACY, maxClients: 10, checkInSeconds: 10, tolerance: { dropout: 0.3, collusion: 0 } } };
    const { coordinator, scheduler, advanceClock } = await setUp(100, undefined, undefined, [second]);
    const lengths = () => coordinator.openRounds().map((r) => r.config.length);
    await scheduler.tick();
    expect(lengths()).toEqual([LENGTH]);
    // Nobody joins: the first aborts at its check-in deadline and the second schedule's round opens.
    advanceClock(10_001);
    await scheduler.tick();
    expect(lengths()).toEqual([6]);
    advanceClock(10_001);
    await scheduler.tick();
    expect(lengths()).toEqual([]); // the first schedule's period has not come round yet
    advanceClock(60_000 - 20_002);
    await scheduler.tick();
    expect(lengths()).toEqual([LENGTH]);
  });

  it('says once, not every period, that the merchant\'s ε budget refuses another round', async () => {
    // One round at ROUND_PRIVACY is ε 1.99 at δ 1e-6: over a budget of 1.5.
    const { coordinator, scheduler, log, advanceClock } = await setUp(1.5);
    for (let i = 0; i < 3; i++) {
      await scheduler.tick();
      advanceClock(60_000);
    }
    expect(coordinator.openRounds()).toHaveLength(0);
    const refusals = log.entries.filter((e) => e.message === 'round not opened');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.entry.reason).toMatch(/past its budget/);
  });

  it('phaseDue: check-in by the plan, later phases by phaseSeconds', () => {
    const round = { id: 'r', merchant: 'm', modelVersion: 'v', phase: 'advertising' as const, phaseSince: 0, privacy: null, checkedIn: 0, config: { roundId: 'r', length: 1, tolerance: { dropout: 0, collusion: 0 } }, plan: { task: null, expectedCohort: 1, maxClients: 3, fixedPointScale: 1, checkInUntil: 100 } };
    expect(phaseDue(round, 100, 5)).toBe(false);
    expect(phaseDue(round, 101, 5)).toBe(true);
    expect(phaseDue({ ...round, phase: 'masking', phaseSince: 50 }, 5049, 5)).toBe(false);
    expect(phaseDue({ ...round, phase: 'masking', phaseSince: 50 }, 5050, 5)).toBe(true);
  });

  it('parseSchedules refuses what would fail later', () => {
    expect(() => parseSchedules('{')).toThrow(/not JSON/);
    expect(() => parseSchedules('{}')).toThrow(/list/);
    expect(() => parseSchedules('[{"merchant":"m","round":{},"everySeconds":0,"phaseSeconds":5}]')).toThrow(/everySeconds/);
    expect(parseSchedules('[{"merchant":"m","round":{"length":3},"everySeconds":60,"phaseSeconds":5}]')).toHaveLength(1);
  });
});
