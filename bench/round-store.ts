/**
 * `npm run bench:round-store`: acknowledged appends per second into the round log, for each
 * RoundStore — SQLite (a file in the temporary directory, both durability levels) and PostgreSQL
 * (a throwaway cluster from Debian's packages on loopback TCP, default settings). An append is
 * counted when its promise resolved, i.e. when the store says it is durable.
 *
 * Workloads: one append at a time into one round; 32 in flight into one round (every upload of a
 * round is ordered behind the one before it); 32 in flight spread over 8 rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PostgresRoundStore } from '../src/server/storage/postgres-round-store.ts';
import type { RoundStore } from '../src/server/storage/round-store.ts';
import { SqliteRoundStore } from '../src/server/storage/sqlite-round-store.ts';
import { startPostgres } from '../tests/support/postgres.ts';

interface Workload {
  name: string;
  payloadBytes: number;
  appends: number;
  inFlight: number;
  rounds: number;
}

const workloads: Workload[] = [
  { name: 'sequential, 1 round', payloadBytes: 1024, appends: 2000, inFlight: 1, rounds: 1 },
  { name: '32 in flight, 1 round', payloadBytes: 1024, appends: 4000, inFlight: 32, rounds: 1 },
  { name: '32 in flight, 8 rounds', payloadBytes: 1024, appends: 4000, inFlight: 32, rounds: 8 },
  { name: '32 in flight, 8 rounds', payloadBytes: 64 * 1024, appends: 1000, inFlight: 32, rounds: 8 },
];

let roundsOpened = 0;

/** Appends/s for one workload on a fresh set of rounds. */
async function measure(store: RoundStore, workload: Workload): Promise<number> {
  const roundIds = Array.from({ length: workload.rounds }, () => `bench-${++roundsOpened}`);
  for (const id of roundIds) await store.createRound({ id, merchant: 'bench', modelVersion: 'v', config: {}, openedAt: Date.now() });
  const payload = new Uint8Array(workload.payloadBytes).map((_, i) => i & 255);
  let next = 0;
  // Each lane appends its next upload once its previous one was acknowledged, as a server does per request.
  const lane = async () => {
    for (let client = next++; client < workload.appends; client = next++) {
      await store.appendEvent(roundIds[client % roundIds.length]!, { kind: 'masked-input', client, payload, at: Date.now() });
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: workload.inFlight }, lane));
  return workload.appends / ((performance.now() - started) / 1000);
}

const dir = mkdtempSync(join(tmpdir(), 'privet-bench-rounds-'));
const cluster = await startPostgres();
const stores: { name: string; open: () => Promise<RoundStore> }[] = [
  { name: 'SQLite (WAL, synchronous=NORMAL: survives kill -9)', open: async () => new SqliteRoundStore(join(dir, 'normal.sqlite')) },
  { name: 'SQLite (WAL, synchronous=FULL: survives power loss)', open: async () => new SqliteRoundStore(join(dir, 'full.sqlite'), { durability: 'full' }) },
  { name: 'PostgreSQL (loopback TCP, synchronous_commit=on)', open: () => PostgresRoundStore.open(cluster.url) },
];

try {
  console.log(`${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
  console.log('\n| store | workload | payload | appends | appends/s |\n| --- | --- | ---: | ---: | ---: |');
  for (const { name, open } of stores) {
    const store = await open();
    for (const workload of workloads) {
      const perSecond = await measure(store, workload);
      console.log(`| ${name} | ${workload.name} | ${workload.payloadBytes / 1024} KB | ${workload.appends} | ${Math.round(perSecond).toLocaleString('en-US')} |`);
    }
    await store.close();
  }
} finally {
  await cluster.destroy();
  rmSync(dir, { recursive: true, force: true });
}
