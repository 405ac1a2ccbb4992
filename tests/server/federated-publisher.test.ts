import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rankerSettings, SERVER_OPTIMIZER } from '../../src/core/federated-files.ts';
import { intentVector } from '../../src/core/federated-intent-update.ts';
import { federatedLength, federatedVector } from '../../src/core/federated-parameters.ts';
import { parseIntentHead } from '../../src/core/intent-head.ts';
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
import { currentModelOf, FederatedPublisher } from '../../src/server/federated-publisher.ts';
import { SqliteRoundStore } from '../../src/server/storage/sqlite-round-store.ts';
import { repoRoot } from '../support/models.ts';
import { seededBytes } from '../support/seeded-bytes.ts';

const privacy = { sampleRate: 0.5, noiseMultiplier: 0.5, clipNorm: 1 };

/** The current version's manifest and the demo ranker and intent head, copied: the test publishes into it. */
function modelsCopy(): string {
  const source = join(repoRoot, 'models');
  const { manifest } = currentVersion(source);
  const dir = mkdtempSync(join(tmpdir(), 'privet-fedranker-'));
  mkdirSync(join(dir, manifest.version));
  copyFileSync(join(source, 'manifest.json'), join(dir, 'manifest.json'));
  copyFileSync(join(source, manifest.version, 'manifest.json'), join(dir, manifest.version, 'manifest.json'));
  const demo = manifest.catalogs.find((c) => c.name === 'demo')!;
  for (const file of [demo.ranker!, demo.intent_head!]) copyFileSync(join(source, manifest.version, file), join(dir, manifest.version, file));
  return dir;
}

/** A models copy, a fresh data folder and round log, and the demo catalogue's ranker and intent head as the round API sees them. */
function bothModels() {
  const models = modelsCopy();
  const data = mkdtempSync(join(tmpdir(), 'privet-fedstate-'));
  const model = currentModelOf(models);
  return { models, data, store: new SqliteRoundStore(join(data, 'rounds.sqlite')), versionDir: currentVersion(models).versionDir, ranker: model('demo', 'ranker')!, intent: model('demo', 'intent')! };
}

/** Three clients' updates as SecAgg+ would leave their sum: the exact ring sum of their codes. */
async function completedRound(store: SqliteRoundStore, id: string, file: string, length: number, at: number, cheat = false, model: 'ranker' | 'intent' = 'ranker', optimizer: 'fedadam' | 'fedavg' = 'fedadam') {
  const plan: RoundPlan = { task: { catalog: 'demo', model, file, optimizer }, expectedCohort: 4, maxClients: 10, fixedPointScale: fixedPointScaleFor(10, privacy.clipNorm), checkInUntil: at };
  const config = { length, clip: privacy.clipNorm, scale: plan.fixedPointScale };
  const sum = new Uint32Array(length);
  for (let c = 0; c < 3; c++) addInto(sum, encodeUpdate(Float64Array.from({ length }, (_, i) => Math.sin(c * 7 + i) * 0.01), config));
  // A client that skips clipping: codes for a vector of norm 5 C, which encodeUpdate would have clipped.
  if (cheat) addInto(sum, Uint32Array.from({ length }, (_, i) => (i === 0 ? Math.round(5 * privacy.clipNorm * plan.fixedPointScale) : 0)));
  await store.createRound({ id, merchant: 'demo', modelVersion: 'v', config: { roundId: id, length, tolerance: { dropout: 0.3, collusion: 0 }, privacy, spend: { roundEpsilon: 1, cumulativeEpsilon: 1.5, rounds: 2 }, plan }, openedAt: at });
  await store.closeRound(id, 'completed', { survivors: [1, 2, 3], sum: encodeWords(sum) }, at + 1);
  return { sum, config, plan };
}

describe('FederatedPublisher', () => {
  it('adds noise to the decoded sum, takes the trainer\'s FedAdam step and lists the new ranker with its (ε, δ), once', async () => {
    const { models, data, store, versionDir, ranker: base } = bothModels();
    const before = parseRanker(JSON.parse(readFileSync(join(versionDir, base.file), 'utf8')));
    expect(base.length).toBe(federatedLength(before));
    const { sum, config, plan } = await completedRound(store, 'r1', base.file, base.length, 1000);

    const published: string[] = [];
    // Each round is applied inside the exclusive section it is given (the registry's queue), and published from there.
    const sections: string[] = [];
    const exclusive = async <T>(work: () => T) => {
      sections.push('enter');
      const result = work();
      sections.push('leave');
      return result;
    };
    const ranker = new FederatedPublisher({ modelsDir: models, dataDir: data, delta: 1e-6, randomBytes: seededBytes('noise'), exclusive, onPublished: (m) => void (published.push(m.version), sections.push('published')) });
    const [applied] = await ranker.catchUp(store);
    expect(sections).toEqual(['enter', 'published', 'leave']);
    // The guarantee of what was released: this one completed round, not the ε stored when it opened.
    const oneRound = { epsilon: ledgerEpsilon(afterRound(emptyLedger(1e-6), privacy.sampleRate, privacy.noiseMultiplier)), delta: 1e-6, rounds: 1 };
    expect(applied).toMatchObject({ roundId: 'r1', survivors: 3, noiseStd: 0.5, skipped: null, dp: oneRound });
    expect(published).toHaveLength(1);

    // The same steps by hand: decode, the same noise, divide by the planned cohort, FedAdam.
    const noise = gaussianNoise(base.length, 0.5, uniformFrom(seededBytes('noise')));
    const mean = noisyMean(decodeSum(sum, 3, config), noise, plan.expectedCohort);
    const expected = fedadam(federatedVector(before), mean, zeroState(base.length), rankerSettings(before.dims * before.inputDims, base.length)).params;
    const manifest = parseManifest(JSON.parse(readFileSync(join(versionDir, 'manifest.json'), 'utf8')));
    const entry = manifest.catalogs.find((c) => c.name === 'demo')!;
    expect(entry.ranker).toBe(applied!.file);
    expect(entry.dp).toEqual(oneRound);
    expect(manifest.dp.epsilon).toBe(oneRound.epsilon);
    expect(manifest.files.some((f) => f.name === base.file)).toBe(false);
    const after = parseRanker(JSON.parse(readFileSync(join(versionDir, entry.ranker!), 'utf8')));
    // Published as float32, as every ranker is.
    expect(Array.from(federatedVector(after))).toEqual(Array.from(expected, (x) => Math.fround(x)));
    // Weights outside the federated ones did not move.
    expect(after.featureWeights[0]).toBe(before.featureWeights[0]);
    expect(currentModelOf(models)('demo', 'ranker')!.file).toBe(entry.ranker);

    expect(await ranker.catchUp(store)).toEqual([]);
    expect(ranker.history('demo', 'demo')).toHaveLength(1);
    expect(ranker.publishedBy('demo').get('r1')).toMatchObject({ model: 'ranker', file: applied!.file });
    expect(ranker.publishedBy('someone-else').size).toBe(0);
    await store.close();
  });

  it('skips a round whose base ranker is no longer the catalogue\'s, and keeps the moments for the next round', async () => {
    const { models, data, store, ranker: base } = bothModels();
    await completedRound(store, 'r1', base.file, base.length, 1000);
    await completedRound(store, 'r2', base.file, base.length, 2000); // opened on the same base, completed after r1 moved it
    const ranker = new FederatedPublisher({ modelsDir: models, dataDir: data, delta: 1e-6 });
    const [first, second] = await ranker.catchUp(store);
    expect(first!.file).not.toBeNull();
    expect(second).toMatchObject({ roundId: 'r2', file: null, skipped: expect.stringMatching(/no longer uses ranker/), dp: { rounds: 2 } });
    expect(second!.dp.epsilon).toBeGreaterThan(first!.dp.epsilon);
    const state = JSON.parse(readFileSync(join(data, 'federated', 'demo', 'demo.json'), 'utf8')) as { file: string; m: string };
    expect(state.file).toBe(first!.file);
    expect(Buffer.from(state.m, 'base64').byteLength).toBe(base.length * 8);
    await store.close();
  });

  it('refuses a round whose decoded sum is longer than its clients\' clipped inputs can be', async () => {
    const { models, data, store, ranker: base } = bothModels();
    await completedRound(store, 'r-cheat', base.file, base.length, 1000, true);
    const [applied] = await new FederatedPublisher({ modelsDir: models, dataDir: data, delta: 1e-6 }).catchUp(store);
    expect(applied).toMatchObject({ file: null, skipped: expect.stringMatching(/L2 norm .* is over 3 clients × C/) });
    expect(currentModelOf(models)('demo', 'ranker')!.file).toBe(base.file);
    await store.close();
  });

  it('trains the intent head\'s category layer from an intent round, keeps the rest of the head, and states the catalogue\'s weakest guarantee', async () => {
    const { models, data, store, versionDir, ranker, intent } = bothModels();
    const headBefore = JSON.parse(readFileSync(join(versionDir, intent.file), 'utf8')) as Record<string, unknown>;
    const layerBefore = parseIntentHead(headBefore).categoryLayer;
    expect(intent.length).toBe(layerBefore.rows * (layerBefore.cols + 1));
    await completedRound(store, 'r-ranker', ranker.file, ranker.length, 1000);
    const { sum, config, plan } = await completedRound(store, 'r-intent', intent.file, intent.length, 2000, false, 'intent');
    const publisher = new FederatedPublisher({ modelsDir: models, dataDir: data, delta: 1e-6, randomBytes: seededBytes('noise') });
    const [forRanker, forIntent] = await publisher.catchUp(store);
    expect(forRanker).toMatchObject({ model: 'ranker', skipped: null });
    expect(forIntent).toMatchObject({ model: 'intent', skipped: null, file: expect.stringMatching(/^intent\.demo\.[0-9a-f]{12}\.json$/), dp: { rounds: 2 } });

    const manifest = parseManifest(JSON.parse(readFileSync(join(versionDir, 'manifest.json'), 'utf8')));
    const entry = manifest.catalogs.find((c) => c.name === 'demo')!;
    expect(entry).toMatchObject({ ranker: forRanker!.file, intent_head: forIntent!.file, dp: forIntent!.dp });
    expect(manifest.files.some((f) => f.name === intent.file)).toBe(false);
    const headAfter = JSON.parse(readFileSync(join(versionDir, entry.intent_head!), 'utf8')) as Record<string, unknown>;
    // The same step by hand, with the intent layer's own rate, from fresh moments.
    const draws = uniformFrom(seededBytes('noise'));
    gaussianNoise(ranker.length, 0.5, draws); // the ranker's round drew first
    const noise = gaussianNoise(intent.length, 0.5, draws);
    const mean = noisyMean(decodeSum(sum, 3, config), noise, plan.expectedCohort);
    const rates = new Float64Array(intent.length).fill(SERVER_OPTIMIZER.intentRate);
    const expected = fedadam(intentVector(layerBefore), mean, zeroState(intent.length), { rates, beta1: 0.9, beta2: 0.99, tau: 1e-3 }).params;
    expect(Array.from(intentVector(parseIntentHead(headAfter).categoryLayer))).toEqual(Array.from(expected, (x) => Math.fround(x)));
    // Not federated: the behavioural layer and the names are the head's as they were.
    expect(headAfter.behaviour_layer).toEqual(headBefore.behaviour_layer);
    expect(headAfter.categories).toEqual(headBefore.categories);
    // Each model keeps its own moments.
    expect(publisher.history('demo', 'demo', 'intent').map((a) => a.roundId)).toEqual(['r-intent']);
    expect(publisher.history('demo', 'demo', 'ranker').map((a) => a.roundId)).toEqual(['r-ranker']);
    expect(currentModelOf(models)('demo', 'intent')!.file).toBe(forIntent!.file);
    await store.close();
  });

  it('steps by FedAvg when the round asks for it, and keeps FedAdam\'s moments for the next FedAdam round', async () => {
    const { models, data, store, versionDir, ranker } = bothModels();
    await completedRound(store, 'r-adam', ranker.file, ranker.length, 1000);
    const first = new FederatedPublisher({ modelsDir: models, dataDir: data, delta: 1e-6 });
    const [adam] = await first.catchUp(store);
    const statePath = join(data, 'federated', 'demo', 'demo.json');
    const momentsAfterAdam = JSON.parse(readFileSync(statePath, 'utf8')) as { m: string; v: string };
    const { sum, config, plan } = await completedRound(store, 'r-avg', adam!.file!, ranker.length, 2000, false, 'ranker', 'fedavg');
    const [avg] = await new FederatedPublisher({ modelsDir: models, dataDir: data, delta: 1e-6, randomBytes: seededBytes('avg') }).catchUp(store);
    expect(avg).toMatchObject({ roundId: 'r-avg', optimizer: 'fedavg', skipped: null });
    // x ← x + mean: the noisy mean added as it is.
    const before = parseRanker(JSON.parse(readFileSync(join(versionDir, adam!.file!), 'utf8')));
    const mean = noisyMean(decodeSum(sum, 3, config), gaussianNoise(ranker.length, 0.5, uniformFrom(seededBytes('avg'))), plan.expectedCohort);
    const after = parseRanker(JSON.parse(readFileSync(join(versionDir, avg!.file!), 'utf8')));
    expect(Array.from(federatedVector(after))).toEqual(Array.from(federatedVector(before), (x, i) => Math.fround(x + mean[i]!)));
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as { file: string; m: string; v: string };
    expect(state).toMatchObject({ file: avg!.file, m: momentsAfterAdam.m, v: momentsAfterAdam.v });
    await store.close();
  });

  it('skips a round whose file cannot be read, with the reason, and goes on with the next', async () => {
    const { models, data, store, versionDir, ranker, intent } = bothModels();
    await completedRound(store, 'r-intent', intent.file, intent.length, 1000, false, 'intent');
    await completedRound(store, 'r-ranker', ranker.file, ranker.length, 2000);
    writeFileSync(join(versionDir, intent.file), '{"format": 1, "categories": "damaged"}');
    const applied = await new FederatedPublisher({ modelsDir: models, dataDir: data, delta: 1e-6 }).catchUp(store);
    expect(applied).toEqual([
      expect.objectContaining({ roundId: 'r-intent', file: null, skipped: expect.stringMatching(/could not be read: intent head: "categories" must be a list of names/) }),
      expect.objectContaining({ roundId: 'r-ranker', skipped: null }),
    ]);
    await store.close();
  });

  it('reads the state a server wrote before the intent head was federated', async () => {
    const { models, data, store, ranker: base } = bothModels();
    await completedRound(store, 'r1', base.file, base.length, 1000);
    await new FederatedPublisher({ modelsDir: models, dataDir: data, delta: 1e-6 }).catchUp(store);
    const path = join(data, 'federated', 'demo', 'demo.json');
    const state = JSON.parse(readFileSync(path, 'utf8')) as { file: string; m: string; v: string; applied: { file: string | null; model?: string }[] };
    const { file, ...rest } = state;
    writeFileSync(path, JSON.stringify({ ...rest, ranker: file, applied: state.applied.map(({ file: published, model: _model, ...a }) => ({ ...a, ranker: published })) }));
    const again = new FederatedPublisher({ modelsDir: models, dataDir: data, delta: 1e-6 });
    expect(again.history('demo', 'demo')).toEqual([expect.objectContaining({ roundId: 'r1', model: 'ranker', file })]);
    const { sum, config, plan } = await completedRound(store, 'r2', file, base.length, 2000);
    const publishing = new FederatedPublisher({ modelsDir: models, dataDir: data, delta: 1e-6, randomBytes: seededBytes('legacy') });
    const [second] = await publishing.catchUp(store);
    expect(second).toMatchObject({ roundId: 'r2', skipped: null });
    // r2 stepped from the ranker r1 published with r1's moments, read from the old state.
    const { versionDir } = currentVersion(models);
    const float64 = (base64: string) => {
      const bytes = Buffer.from(base64, 'base64');
      return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    };
    const moments = { m: float64(state.m), v: float64(state.v) };
    const afterFirst = parseRanker(JSON.parse(readFileSync(join(versionDir, file), 'utf8')));
    const mean = noisyMean(decodeSum(sum, 3, config), gaussianNoise(base.length, 0.5, uniformFrom(seededBytes('legacy'))), plan.expectedCohort);
    const expected = fedadam(federatedVector(afterFirst), mean, moments, rankerSettings(afterFirst.dims * afterFirst.inputDims, base.length)).params;
    const published = parseRanker(JSON.parse(readFileSync(join(versionDir, second!.file!), 'utf8')));
    expect(Array.from(federatedVector(published))).toEqual(Array.from(expected, (x) => Math.fround(x)));
    await store.close();
  });

  it('finishes a publish that crashed between its state and its manifest', async () => {
    const { models, data, store, versionDir, ranker: base } = bothModels();
    const original = readFileSync(join(versionDir, 'manifest.json'));
    await completedRound(store, 'r1', base.file, base.length, 1000);
    const [applied] = await new FederatedPublisher({ modelsDir: models, dataDir: data, delta: 1e-6 }).catchUp(store);
    writeFileSync(join(versionDir, 'manifest.json'), original); // as if the manifest write never happened
    expect(currentModelOf(models)('demo', 'ranker')!.file).toBe(base.file);
    expect(await new FederatedPublisher({ modelsDir: models, dataDir: data, delta: 1e-6 }).catchUp(store)).toEqual([]);
    expect(currentModelOf(models)('demo', 'ranker')!.file).toBe(applied!.file);
    await store.close();
  });
});
