/**
 * The kill -9 durability check every RoundStore must pass: a writer process appends 1 KB uploads
 * as fast as it can and is killed with SIGKILL mid-stream; every append it saw acknowledged must
 * be there afterwards, intact and in order, and the store must carry on from there.
 */
import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import type { RoundStore } from '../../../src/server/storage/round-store.ts';
import { repoRoot } from '../../support/models.ts';

/**
 * Runs the writer against the store that `openStore` (JavaScript source of an expression giving a
 * RoundStore or a promise of one, evaluated in the child) opens, SIGKILLs it once `acknowledgements`
 * appends were acknowledged, and returns how many were.
 */
export async function appendUntilKilled(openStore: string, acknowledgements = 500): Promise<number> {
  // The writer prints each seq once appendEvent resolved.
  const writer = `
    const store = await (${openStore});
    await store.createRound({ id: 'r', merchant: 'm', modelVersion: 'v', config: {}, openedAt: Date.now() });
    for (let client = 0; ; client++) {
      const seq = await store.appendEvent('r', { kind: 'masked-input', client, payload: new Uint8Array(1024).fill(client & 255), at: Date.now() });
      process.stdout.write(seq + '\\n');
    }`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', writer], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let acknowledged = 0;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let partialLine = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      // A chunk may end mid-line: only whole lines are acknowledgements.
      const lines = (partialLine + chunk.toString()).split('\n');
      partialLine = lines.pop()!;
      for (const line of lines) {
        if (!/^\d+$/.test(line)) {
          child.kill('SIGKILL');
          return reject(new Error(`writer printed "${line}" where a seq was expected: ${stderr}`));
        }
        acknowledged = Number(line);
      }
      if (acknowledged >= acknowledgements) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
  });
  await new Promise((resolve) => child.once('close', resolve));
  return acknowledged;
}

/** Round "r" holds at least the acknowledged appends, each intact, and the next append continues the sequence. */
export async function expectAcknowledgedKept(store: RoundStore, acknowledged: number): Promise<void> {
  const events = await store.events('r');
  expect(events.length).toBeGreaterThanOrEqual(acknowledged);
  events.forEach((event, i) => {
    expect(event.seq).toBe(i + 1);
    expect(event.client).toBe(i);
    expect(event.payload.every((b) => b === (i & 255))).toBe(true);
  });
  expect(await store.appendEvent('r', { kind: 'masked-input', client: -1, payload: new Uint8Array(1), at: 0 })).toBe(events.length + 1);
}
