import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { federatedLength, federatedVector } from '../../src/core/federated-parameters.ts';
import { decodeSum, encodeUpdate } from '../../src/core/fixed-point.ts';
import { gaussianNoise, uniformFrom } from '../../src/core/gaussian-noise.ts';
import { parseManifest } from '../../src/core/manifest.ts';
import { parseRanker } from '../../src/core/ranker.ts';
import { addInto } from '../../src/core/ring.ts';
import { afterRound, emptyLedger, ledgerEpsilon } from '../../src/core/dp-accountant.ts';
import { fixedPointScaleFor, type RoundPlan } from '../../src/core/round-plan.ts';
import { encodeWords } from '../../src/core/secagg-wire.ts';
import { fedadam, noisyMean, zeroState } from '../../src/core/server-optimizer.ts';
import { currentVersion } from '../../src/server/current-version.ts';
import { currentRankerOf, FederatedRanker, serverSettings } from '../../src/server/federated-ranker.ts';
import { SqliteRoundStore } from '../../src/server/storage/sqlite-round-store.ts';
import { repoRoot } from '../support/models.ts';
import { seededBytes } from '../support/seeded-bytes.ts';

const privacy = { sampleRate: 0.5, noiseMultiplier: 0.5, clipNorm: 1 };

/** The current version's manifest and the demo ranker, copied: the test publishes into it. */
function modelsCopy(): string {
  const source = join(repoRoot, 'models');
  const { manifest } = currentVersion(source);
  const dir = mkdtempSync(join(tmpdir(), 'privet-fedranker-'));
  mkdirSync(join(dir, manifest.version));
  copyFileSync(join(source, 'manifest.json'), join(dir, 'manifest.json'));
  copyFileSync(join(source, manifest.version, 'manifest.json'), join(dir, manifest.version, 'manifest.json'));
  copyFileSync(join(source, manifest.version, manifest.catalogs.find((c) => c.name === 'demo')!.ranker!), join(dir, manifest.version, manifest.catalogs.find((c) => c.name === 'demo')!.ranker!));
  return dir;
}

/** Three clients' updates as SecAgg+ would leave their sum: the exact ring sum of their codes. */
async function completedRound(store: SqliteRoundStore, id: string, ranker: string, length: number, at: number, cheat = false) {
  const plan: RoundPlan = { task: { catalog: 'demo', ranker }, expectedCohort: 4, maxClients: 10, fixedPointScale: fixedPointScaleFor(10, privacy.clipNorm), checkInUntil: at };
  const config = { length, clip: privacy.clipNorm, scale: plan.fixedPointScale };
  const sum = new Uint32Array(length);
  for (let c = 0; c < 3; c++) addInto(sum, encodeUpdate(Float64Array.from({ length }, (_, i) => Math.sin(c * 7 + i) * 0.01), config));
  // A client that skips clipping: codes for a vector of norm 5 C, which encodeUpdate would have clipped.
  if (cheat) addInto(sum, Uint32Array.from({ length }, (_, i) => (i === 0 ? Math.round(5 * privacy.clipNorm * plan.fixedPointScale) : 0)));
  await store.createRound({ id, merchant: 'demo', modelVersion: 'v', config: { roundId: id, length, tolerance: { dropout: 0.3, collusion: 0 }, privacy, spend: { roundEpsilon: 1, cumulativeEpsilon: 1.5, rounds: 2 }, plan }, openedAt: at });
  await store.closeRound(id, 'completed', { survivors: [1, 2, 3], sum: encodeWords(sum) }, at + 1);
  return { sum, config, plan };
}

describe('FederatedRanker', () => {
  it('adds noise to the decoded sum, takes the trainer\'s FedAdam step and lists the new ranker with its (ε, δ), once', async () => {
    const models = modelsCopy();
    const data = mkdtempSync(join(tmpdir(), 'privet-fedstate-'));
    const store = new SqliteRoundStore(join(data, 'rounds.sqlite'));
    const base = currentRankerOf(models)('demo')!;
    const { versionDir } = currentVersion(models);
    const before = parseRanker(JSON.parse(readFileSync(join(versionDir, base.ranker), 'utf8')));
    expect(base.length).toBe(federatedLength(before));
    const { sum, config, plan } = await completedRound(store, 'r1', base.ranker, base.length, 1000);

    const published: string[] = [];
    // Each round is applied inside the exclusive section it is given (the registry's queue), and published from there.
    const sections: string[] = [];
    const exclusive = async <T>(work: () => T) => {
      sections.push('enter');
      const result = work();
      sections.push('leave');
      return result;
    };
    const ranker = new FederatedRanker({ modelsDir: models, dataDir: data, delta: 1e-6, randomBytes: seededBytes('noise'), exclusive, onPublished: (m) => void (published.push(m.version), sections.push('published')) });
    const [applied] = await ranker.catchUp(store);
    expect(sections).toEqual(['enter', 'published', 'leave']);
    // The guarantee of what was released: this one completed round, not the ε stored when it opened.
    const oneRound = { epsilon: ledgerEpsilon(afterRound(emptyLedger(1e-6), privacy.sampleRate, privacy.noiseMultiplier)), delta: 1e-6, rounds: 1 };
    expect(applied).toMatchObject({ roundId: 'r1', survivors: 3, noiseStd: 0.5, skipped: null, dp: oneRound });
    expect(published).toHaveLength(1);

    // The same steps by hand: decode, the same noise, divide by the planned cohort, FedAdam.
    const noise = gaussianNoise(base.length, 0.5, uniformFrom(seededBytes('noise')));
    const mean = noisyMean(decodeSum(sum, 3, config), noise, plan.expectedCohort);
    const expected = fedadam(federatedVector(before), mean, zeroState(base.length), serverSettings(before.dims * before.inputDims, base.length)).params;
    const manifest = parseManifest(JSON.parse(readFileSync(join(versionDir, 'manifest.json'), 'utf8')));
    const entry = manifest.catalogs.find((c) => c.name === 'demo')!;
    expect(entry.ranker).toBe(applied!.ranker);
    expect(entry.dp).toEqual(oneRound);
    expect(manifest.dp.epsilon).toBe(oneRound.epsilon);
    expect(manifest.files.some((f) => f.name === base.ranker)).toBe(false);
    const after = parseRanker(JSON.parse(readFileSync(join(versionDir, entry.ranker!), 'utf8')));
    // Published as float32, as every ranker is.
    expect(Array.from(federatedVector(after))).toEqual(Array.from(expected, (x) => Math.fround(x)));
    // Weights outside the federated ones did not move.
    expect(after.featureWeights[0]).toBe(before.featureWeights[0]);
    expect(currentRankerOf(models)('demo')!.ranker).toBe(entry.ranker);

    expect(await ranker.catchUp(store)).toEqual([]);
    expect(ranker.history('demo', 'demo')).toHaveLength(1);
    expect(ranker.publishedBy('demo').get('r1')).toMatchObject({ ranker: applied!.ranker });
    expect(ranker.publishedBy('someone-else').size).toBe(0);
    await store.close();
  });

  it('skips a round whose base ranker is no longer the catalogue\'s, and keeps the moments for the next round', async () => {
    const models = modelsCopy();
    const data = mkdtempSync(join(tmpdir(), 'privet-fedstate-'));
    const store = new SqliteRoundStore(join(data, 'rounds.sqlite'));
    const base = currentRankerOf(models)('demo')!;
    await completedRound(store, 'r1', base.ranker, base.length, 1000);
    await completedRound(store, 'r2', base.ranker, base.length, 2000); // opened on the same base, completed after r1 moved it
    const ranker = new FederatedRanker({ modelsDir: models, dataDir: data, delta: 1e-6 });
    const [first, second] = await ranker.catchUp(store);
    expect(first!.ranker).not.toBeNull();
    expect(second).toMatchObject({ roundId: 'r2', ranker: null, skipped: expect.stringMatching(/no longer uses ranker/), dp: { rounds: 2 } });
    expect(second!.dp.epsilon).toBeGreaterThan(first!.dp.epsilon);
    const state = JSON.parse(readFileSync(join(data, 'federated', 'demo', 'demo.json'), 'utf8')) as { ranker: string; m: string };
    expect(state.ranker).toBe(first!.ranker);
    expect(Buffer.from(state.m, 'base64').byteLength).toBe(base.length * 8);
    await store.close();
  });

  it('refuses a round whose decoded sum is longer than its clients\' clipped inputs can be', async () => {
    const models = modelsCopy();
    const data = mkdtempSync(join(tmpdir(), 'privet-fedstate-'));
    const store = new SqliteRoundStore(join(data, 'rounds.sqlite'));
    const base = currentRankerOf(models)('demo')!;
    await completedRound(store, 'r-cheat', base.ranker, base.length, 1000, true);
    const [applied] = await new FederatedRanker({ modelsDir: models, dataDir: data, delta: 1e-6 }).catchUp(store);
    expect(applied).toMatchObject({ ranker: null, skipped: expect.stringMatching(/L2 norm .* is over 3 clients × C/) });
    expect(currentRankerOf(models)('demo')!.ranker).toBe(base.ranker);
    await store.close();
  });

  it('finishes a publish that crashed between its state and its manifest', async () => {
    const models = modelsCopy();
    const data = mkdtempSync(join(tmpdir(), 'privet-fedstate-'));
    const store = new SqliteRoundStore(join(data, 'rounds.sqlite'));
    const base = currentRankerOf(models)('demo')!;
    const { versionDir } = currentVersion(models);
    const original = readFileSync(join(versionDir, 'manifest.json'));
    await completedRound(store, 'r1', base.ranker, base.length, 1000);
    const [applied] = await new FederatedRanker({ modelsDir: models, dataDir: data, delta: 1e-6 }).catchUp(store);
    writeFileSync(join(versionDir, 'manifest.json'), original); // as if the manifest write never happened
    expect(currentRankerOf(models)('demo')!.ranker).toBe(base.ranker);
    expect(await new FederatedRanker({ modelsDir: models, dataDir: data, delta: 1e-6 }).catchUp(store)).toEqual([]);
    expect(currentRankerOf(models)('demo')!.ranker).toBe(applied!.ranker);
    await store.close();
  });
});
