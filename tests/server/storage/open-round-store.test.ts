import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openRoundStore } from '../../../src/server/storage/open-round-store.ts';
import { SqliteRoundStore } from '../../../src/server/storage/sqlite-round-store.ts';

it('opens SQLite, creating its folder, when no database URL is configured', async () => {
  const sqliteFile = join(mkdtempSync(join(tmpdir(), 'privet-open-')), 'not', 'yet', 'rounds.sqlite');
  for (const databaseUrl of [undefined, '']) {
    const store = await openRoundStore({ databaseUrl, sqliteFile });
    expect(store).toBeInstanceOf(SqliteRoundStore);
    await store.close();
  }
  expect(existsSync(sqliteFile)).toBe(true);
});

it('goes to PostgreSQL when a database URL is configured, and refuses one that is not postgres://', async () => {
  const sqliteFile = join(mkdtempSync(join(tmpdir(), 'privet-open-')), 'rounds.sqlite');
  // Port 1 on loopback has no server: the refusal shows PostgreSQL was tried, not the SQLite file.
  await expect(openRoundStore({ databaseUrl: 'postgres://privet@127.0.0.1:1/privet', sqliteFile })).rejects.toThrow(/ECONNREFUSED 127\.0\.0\.1:1/);
  await expect(openRoundStore({ databaseUrl: 'localhost:5432/privet', sqliteFile })).rejects.toThrow(/not a postgres:\/\/ URL/);
  expect(existsSync(sqliteFile)).toBe(false);
});
