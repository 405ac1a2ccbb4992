import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { SqliteRoundStore } from '../../../src/server/storage/sqlite-round-store.ts';
import { repoRoot } from '../../support/models.ts';
import { appendUntilKilled, expectAcknowledgedKept } from './killed-writer.ts';
import { roundStoreContract } from './round-store-contract.ts';

roundStoreContract('SQLite', async () => new SqliteRoundStore(':memory:'));

it('keeps every acknowledged append when the process is killed with SIGKILL mid-stream', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'privet-rounds-')), 'rounds.sqlite');
  const module = JSON.stringify(join(repoRoot, 'src/server/storage/sqlite-round-store.ts'));
  const acknowledged = await appendUntilKilled(`import(${module}).then((m) => new m.SqliteRoundStore(${JSON.stringify(path)}))`);
  const store = new SqliteRoundStore(path);
  await expectAcknowledgedKept(store, acknowledged);
  await store.close();
});
