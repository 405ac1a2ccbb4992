/** `npm run serve` (src/server/main.ts) as a process, configured only through its environment. */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PostgresRoundStore } from '../../src/server/storage/postgres-round-store.ts';
import { freePort } from '../support/free-port.ts';
import { repoRoot } from '../support/models.ts';
import { startPostgres, type PostgresCluster } from '../support/postgres.ts';
import { ROUND_PRIVACY } from '../support/round-server.ts';

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(async () => {
  await cluster?.destroy();
});

it('keeps its rounds in PostgreSQL when PRIVET_DATABASE_URL names one', async () => {
  const port = await freePort();
  const key = 'merchant-key';
  const env = {
    ...process.env,
    PORT: String(port),
    PRIVET_DATABASE_URL: cluster.url,
    PRIVET_MERCHANT_KEYS: `m1:${createHash('sha256').update(key).digest('hex')}`,
    // Rounds need no widget bundle; an empty folder keeps the test off `npm run build`.
    PRIVET_DIST_DIR: mkdtempSync(join(tmpdir(), 'privet-dist-')),
    PRIVET_DATA_DIR: mkdtempSync(join(tmpdir(), 'privet-data-')),
  };
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('Privet demo store') && resolve());
      server.once('exit', (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
    });
    const response = await fetch(`http://127.0.0.1:${port}/v1/rounds`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: JSON.stringify({ length: 8, privacy: ROUND_PRIVACY }),
    });
    expect(response.status).toBe(201);
    const { roundId } = (await response.json()) as { roundId: string };
    // Read back through a store of our own: the round is in the database, in the default schema.
    const store = await PostgresRoundStore.open(cluster.url);
    expect(await store.round(roundId)).toMatchObject({ merchant: 'm1', state: 'open' });
    await store.close();
  } finally {
    server.kill('SIGKILL');
  }
});
