/**
 * Which round store a server runs on: PostgreSQL when a database URL is configured (several
 * servers may share its log), otherwise the embedded SQLite file, whose folder is created if
 * missing. A configured URL that is not a postgres:// one is refused, never quietly replaced by
 * SQLite.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PostgresRoundStore } from './postgres-round-store.ts';
import type { RoundStore } from './round-store.ts';
import { SqliteRoundStore } from './sqlite-round-store.ts';

export async function openRoundStore(where: { databaseUrl?: string | undefined; sqliteFile: string }): Promise<RoundStore> {
  if (where.databaseUrl) return PostgresRoundStore.open(where.databaseUrl);
  mkdirSync(dirname(where.sqliteFile), { recursive: true });
  return new SqliteRoundStore(where.sqliteFile);
}
