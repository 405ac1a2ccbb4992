import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { SqliteRoundStore } from '../../../src/server/storage/sqlite-round-store.ts';
import { repoRoot } from '../../support/models.ts';
import { roundStoreContract } from './round-store-contract.ts';

roundStoreContract('SQLite', async () => new SqliteRoundStore(':memory:'));

it('keeps every acknowledged append when the process is killed with SIGKILL mid-stream', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'privet-rounds-')), 'rounds.sqlite');
  // A writer process appends 1 KB uploads as fast as it can and prints each seq once appendEvent resolved.
  const writer = `
    const { SqliteRoundStore } = await import(${JSON.stringify(join(repoRoot, 'src/server/storage/sqlite-round-store.ts'))});
    const store = new SqliteRoundStore(${JSON.stringify(path)});
    await store.createRound({ id: 'r', merchant: 'm', modelVersion: 'v', config: {}, openedAt: Date.now() });
    for (let client = 0; ; client++) {
      const seq = await store.appendEvent('r', { kind: 'masked-input', client, payload: new Uint8Array(1024).fill(client & 255), at: Date.now() });
      process.stdout.write(seq + '\\n');
    }`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', writer], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let acknowledged = 0;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = chunk.toString().trim().split('\n');
      acknowledged = Math.max(acknowledged, Number(lines[lines.length - 1]));
      if (acknowledged >= 500) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
  });
  await new Promise((resolve) => child.once('close', resolve));
  const store = new SqliteRoundStore(path);
  const events = await store.events('r');
  expect(events.length).toBeGreaterThanOrEqual(acknowledged);
  events.forEach((event, i) => {
    expect(event.seq).toBe(i + 1);
    expect(event.client).toBe(i);
    expect(event.payload.every((b) => b === (i & 255))).toBe(true);
  });
  // The store keeps working after the crash: the next append continues the sequence.
  expect(await store.appendEvent('r', { kind: 'masked-input', client: -1, payload: new Uint8Array(1), at: 0 })).toBe(events.length + 1);
  await store.close();
});
