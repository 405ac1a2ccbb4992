/**
 * A Privet app with the training routes whose trainer is tests/fixtures/fake-training-job.mjs
 * (FAKE_TRAINER_MODE picks its behaviour), over a temporary models folder linked to the real
 * model. Merchant "demo" (whose catalogue the model has) has the key "demo-key", "other" the
 * key "other-key".
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/server/app.ts';
import { linkedModelsCopy, repoRoot } from './models.ts';

export const DEMO_KEY = 'demo-key';
export const OTHER_KEY = 'other-key';
const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
export const trainingMerchantKeys = new Map([['demo', sha256(DEMO_KEY)], ['other', sha256(OTHER_KEY)]]);
export const asMerchant = (key: string) => ({ authorization: `Bearer ${key}` });

export async function trainingApp(mode: string) {
  // The demo catalogue's item matrix stays in the copy: a job trains on its merchant's catalogue.
  const { dir, version } = linkedModelsCopy(() => true);
  const built = await buildApp({
    modelsDir: dir,
    distDir: mkdtempSync(join(tmpdir(), 'privet-dist-')),
    training: {
      merchantKeys: trainingMerchantKeys,
      trainer: { command: process.execPath, args: [join(repoRoot, 'tests/fixtures/fake-training-job.mjs')], env: { ...process.env, FAKE_TRAINER_MODE: mode } },
      killGraceMs: 1000,
    },
  });
  return { ...built, dir, version, trainingJobs: built.trainingJobs! };
}
