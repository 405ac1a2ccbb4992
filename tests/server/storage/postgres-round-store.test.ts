/**
 * The PostgreSQL round store against a throwaway cluster from Debian's packages (started here,
 * deleted afterwards): the shared contract suite, the kill -9 check with a database crash on top,
 * and what only a networked store has (several processes on one log, schema set-up).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresRoundStore } from '../../../src/server/storage/postgres-round-store.ts';
import { repoRoot } from '../../support/models.ts';
import { postgresBinDir, startPostgres, type PostgresCluster } from '../../support/postgres.ts';
import { appendUntilKilled, expectAcknowledgedKept } from './killed-writer.ts';
import { roundStoreContract } from './round-store-contract.ts';

let cluster: PostgresCluster;
beforeAll(async () => {
  // A cluster tuned for speed over durability, as some deployments are: commits acknowledged before
  // their WAL reaches the disk. The store must not acknowledge an append before it is durable anyway.
  cluster = await startPostgres({ synchronous_commit: 'off', wal_writer_delay: "'10s'" });
});
afterAll(async () => {
  await cluster?.destroy();
});

// Each store gets a fresh schema, as each SQLite one gets a fresh in-memory database.
let schemas = 0;
const freshSchema = () => `contract_${++schemas}`;

roundStoreContract('PostgreSQL', () => PostgresRoundStore.open(cluster.url, { schema: freshSchema() }));

it('keeps every acknowledged append when the writer is killed with SIGKILL and the database then crashes', async () => {
  const module = JSON.stringify(join(repoRoot, 'src/server/storage/postgres-round-store.ts'));
  const acknowledged = await appendUntilKilled(`import(${module}).then((m) => m.PostgresRoundStore.open(${JSON.stringify(cluster.url)}, { schema: 'killed' }))`);
  // No checkpoint on an immediate stop: what was acknowledged comes back only from the WAL on restart.
  await cluster.crash();
  await cluster.start();
  const store = await PostgresRoundStore.open(cluster.url, { schema: 'killed' });
  await expectAcknowledgedKept(store, acknowledged);
  await store.close();
});

describe('PostgreSQL round store across processes', () => {
  it('sets its schema up once when several servers start together, and keeps the data on reopening', async () => {
    const schema = freshSchema();
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresRoundStore.open(cluster.url, { schema })));
    await stores[0]!.createRound({ id: 'r', merchant: 'm', modelVersion: 'v', config: { cohort: 3 }, openedAt: 1 });
    // Servers sharing one log: appends through separate connection pools get one dense sequence.
    const seqs = await Promise.all(stores.flatMap((store, s) =>
      Array.from({ length: 10 }, (_, i) => store.appendEvent('r', { kind: 'advertise', client: s * 10 + i, payload: Uint8Array.of(s, i), at: i }))));
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    await expect(stores[3]!.appendEvent('r', { kind: 'advertise', client: 0, payload: Uint8Array.of(9), at: 9 })).rejects.toThrow(/client 0 already sent "advertise" in round r/);
    await Promise.all(stores.map((store) => store.close()));

    const reopened = await PostgresRoundStore.open(cluster.url, { schema });
    expect(await reopened.round('r')).toMatchObject({ state: 'open', config: { cohort: 3 } });
    const events = await reopened.events('r');
    expect(events).toHaveLength(40);
    expect(events.find((e) => e.client === 23)?.payload).toEqual(Uint8Array.of(2, 3));
    await reopened.close();
  });

  it('keeps serving, without crashing its process, across a database restart; a schema may be named like a keyword', async () => {
    const store = await PostgresRoundStore.open(cluster.url, { schema: 'select' });
    await store.createRound({ id: 'r', merchant: 'm', modelVersion: 'v', config: {}, openedAt: 1 });
    await store.appendEvent('r', { kind: 'advertise', client: 1, payload: Uint8Array.of(1), at: 1 });
    // The pool's idle connections die with the database; the next append must get a fresh one.
    await cluster.crash();
    await cluster.start();
    expect(await store.appendEvent('r', { kind: 'advertise', client: 2, payload: Uint8Array.of(2), at: 2 })).toBe(2);
    expect((await store.events('r')).map((e) => e.client)).toEqual([1, 2]);
    await store.close();
  });

  it('refuses a schema name that is not a plain identifier, a database it cannot reach and a malformed URL, with the reason', async () => {
    await expect(PostgresRoundStore.open(cluster.url, { schema: 'rounds; DROP TABLE x' })).rejects.toThrow(/must be a lower-case identifier/);
    const unreachable = new URL(cluster.url);
    unreachable.pathname = '/no_such_database';
    await expect(PostgresRoundStore.open(unreachable.href)).rejects.toThrow(/database "no_such_database" does not exist/);
    for (const url of ['privet:secret@localhost', 'localhost:5432']) {
      await expect(PostgresRoundStore.open(url)).rejects.toThrow(/^the PostgreSQL URL is not a postgres:\/\/ URL \(expected postgres:\/\/user/);
    }
  });

  it('fails, naming the package to install, where PostgreSQL is missing', () => {
    expect(() => postgresBinDir('/nonexistent/postgresql')).toThrow(/no \/nonexistent\/postgresql\/<version>\/bin\/initdb\): install Debian's postgresql package/);
  });
});
