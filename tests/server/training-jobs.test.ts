/**
 * The job runner against real child processes: tests/fixtures/fake-training-job.mjs speaks the
 * trainer's JSON-lines contract (the real trainer is `python -m trainer.training_job`) and
 * writes real candidate folders (the exported model's files, linked, under a new name) into a
 * temporary models folder, so publishing goes through the registry's real sha256 checks.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ManifestCatalog } from '../../src/core/manifest.ts';
import { currentVersion } from '../../src/server/current-version.ts';
import { describeBytes, writeAtomically } from '../../src/server/model-files.ts';
import { loadModelRegistry } from '../../src/server/model-registry.ts';
import { TrainingJobConflictError, TrainingJobRunner, trainEveryRounds, type JobLogger, type TrainingRunnerOptions } from '../../src/server/training-jobs.ts';
import { linkedModelsCopy, repoRoot } from '../support/models.ts';

const fixture = join(repoRoot, 'tests/fixtures/fake-training-job.mjs');

interface LogEntry {
  level: string;
  object: Record<string, unknown>;
  message: string;
}

function recorder(entries: LogEntry[]): JobLogger {
  const at = (level: string) => (object: object, message: string) => void entries.push({ level, object: object as Record<string, unknown>, message });
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

const runners: TrainingJobRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.shutdown()));
});

/** `withCatalogs`: the current version's catalogues too (their item matrices, heads and rankers). */
async function setUp(mode: string, options: Partial<TrainingRunnerOptions> = {}, withCatalogs = false) {
  const { dir, version } = withCatalogs ? linkedModelsCopy(() => true) : linkedModelsCopy();
  const registry = await loadModelRegistry(dir);
  const logs: LogEntry[] = [];
  const runner = new TrainingJobRunner({
    registry,
    log: recorder(logs),
    trainer: { command: process.execPath, args: [fixture], env: { ...process.env, FAKE_TRAINER_MODE: mode } },
    killGraceMs: 1000,
    ...options,
  });
  runners.push(runner);
  const pointer = () => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { current: string };
  return { dir, version, registry, runner, logs, pointer };
}

const request = { merchant: 'demo', catalog: 'demo' };

/** Resolves once the job has reported progress (so it is past start-up and its signal handlers are set). */
async function firstProgress(runner: TrainingJobRunner, id: string): Promise<void> {
  while (runner.get(id)?.progress.stage === null) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Running, as opposed to gone or a zombie (a killed orphan waits for a container's init to reap it). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('training job runner', () => {
  it('publishes a candidate that does not regress: pointer, registry and a restarted registry all name it', async () => {
    const { dir, version, registry, runner, logs, pointer } = await setUp('ok');
    const started = runner.start({ ...request, maxSteps: 4, timeBudgetS: 60, device: 'cpu' });
    expect(started.state).toBe('running');
    expect(() => runner.start(request)).toThrow(TrainingJobConflictError);
    const job = await runner.whenEnded(started.id);
    expect(job.error).toBeNull();
    expect(job.state).toBe('published');
    expect(job.baseVersion).toBe(version);
    expect(job.result).toMatchObject({ published: true, regressed: false, metrics: { 'ndcg@10': 0.06 }, baseline: { 'ndcg@10': 0.05 } });
    expect(job.progress).toMatchObject({ device: 'cpu', gpus: 0, stage: 'evaluate', step: 1, of: 1 });
    expect(job.exitCode).toBe(0);
    expect(job.endedAt).not.toBeNull();
    expect(registry.current.version).toBe(job.candidate);
    expect(pointer().current).toBe(job.candidate);
    // The arguments of the contract reached the trainer.
    expect(logs.filter((e) => e.object.event === 'progress' && e.object.stage === 'finetune').map((e) => e.object.of)).toEqual([4, 4, 4, 4]);
    expect(logs.find((e) => e.message === 'training job progress')?.object).toMatchObject({ trainingJob: job.id, stage: 'finetune', step: 1, loss: 1, samples_per_s: 101 });
    const restarted = await loadModelRegistry(dir);
    expect(restarted.current.version).toBe(job.candidate);
    expect([...restarted.versions.keys()].sort()).toEqual([version, job.candidate].sort());
    // A second job may start once the first has ended.
    expect(runner.start(request).state).toBe('running');
  });

  it('carries into the candidate the rankers federated rounds published while it trained, with their guarantee', async () => {
    const { dir, registry, runner } = await setUp('wait', {}, true);
    const job = runner.start(request);
    while (!existsSync(join(dir, job.candidate))) await new Promise((resolve) => setTimeout(resolve, 20));
    // Meanwhile a round publishes a new demo ranker into the current version (as federated-publisher.ts does).
    const { manifest, versionDir } = currentVersion(dir);
    const entry = manifest.catalogs.find((c) => c.name === 'demo')!;
    const trainedFrom = entry.ranker!;
    const bytes = new TextEncoder().encode(JSON.stringify({ ...JSON.parse(readFileSync(join(versionDir, trainedFrom), 'utf8')), note: 'after one round' }));
    const name = 'ranker.demo.round000001.json';
    const dp = { epsilon: 2.5, delta: 1e-6, rounds: 3 };
    writeAtomically(join(versionDir, name), bytes);
    const catalogs = manifest.catalogs.map((c) => (c.name === 'demo' ? { ...c, ranker: name, dp } : c));
    writeAtomically(join(versionDir, 'manifest.json'), JSON.stringify({ ...manifest, catalogs, files: [...manifest.files.filter((f) => f.name !== trainedFrom), describeBytes(name, bytes, 'json')], dp }));
    writeFileSync(join(dir, 'go'), '');

    const ended = await runner.whenEnded(job.id);
    expect(ended.state).toBe('published');
    const served = registry.current;
    expect(served.version).toBe(job.candidate);
    expect(served.catalogs.find((c) => c.name === 'demo')).toMatchObject({ ranker: name, dp });
    expect(served.dp).toEqual(dp);
    expect(readFileSync(join(dir, job.candidate, name))).toEqual(Buffer.from(bytes));
    // The ranker it started from is neither listed nor left in the candidate's folder.
    expect(served.files.some((f) => f.name === trainedFrom)).toBe(false);
    expect(existsSync(join(dir, job.candidate, trainedFrom))).toBe(false);
    // Every file still verifies after a restart.
    expect((await loadModelRegistry(dir)).current.version).toBe(job.candidate);
  });

  it.each([
    ['added', (catalogs: ManifestCatalog[]) => [...catalogs, { ...catalogs[0]!, name: 'acme' }]],
    ['replaced', (catalogs: ManifestCatalog[]) => catalogs.map((c, i) => (i === 0 ? { ...c, source_sha256: 'f'.repeat(64) } : c))],
  ] as const)('refuses a candidate when a catalogue was %s while it trained, and keeps the current version', async (what, change) => {
    const { dir, version, registry, runner } = await setUp('wait', {}, true);
    const job = runner.start(request);
    while (!existsSync(join(dir, job.candidate))) await new Promise((resolve) => setTimeout(resolve, 20));
    const { manifest, versionDir } = currentVersion(dir);
    writeAtomically(join(versionDir, 'manifest.json'), JSON.stringify({ ...manifest, catalogs: change(manifest.catalogs) }));
    writeFileSync(join(dir, 'go'), '');
    const ended = await runner.whenEnded(job.id);
    expect(ended.state).toBe('failed');
    expect(ended.error).toMatch(new RegExp(`catalogue "(acme|${manifest.catalogs[0]!.name})" was ${what} in ${version} while the job ran: start the job again`));
    expect(registry.current.version).toBe(version);
  });

  it('keeps the current version when the candidate regresses, says why, and sets the candidate aside', async () => {
    const { dir, version, registry, runner, pointer } = await setUp('regress');
    const job = await runner.whenEnded(runner.start(request).id);
    expect(job.state).toBe('regressed');
    expect(job.result).toMatchObject({ published: false, regressed: true, summary: 'ndcg@10 0.04 vs 0.05', metrics: { 'ndcg@10': 0.04 }, baseline: { 'ndcg@10': 0.05 } });
    expect(registry.current.version).toBe(version);
    expect(pointer().current).toBe(version);
    expect(existsSync(join(dir, job.candidate))).toBe(false);
    expect(job.result!.setAsideTo).toContain(join(dir, '.rejected', job.candidate));
    expect(existsSync(join(job.result!.setAsideTo!, 'manifest.json'))).toBe(true);
    expect([...(await loadModelRegistry(dir)).versions.keys()]).toEqual([version]);
  });

  it('refuses a candidate whose files do not match its manifest, keeps the current version, and the server can still start', async () => {
    const { dir, version, registry, runner, pointer } = await setUp('tamper');
    const job = await runner.whenEnded(runner.start(request).id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(new RegExp(`candidate ${job.candidate} was refused: .*tokenizer_config.json`));
    expect(registry.current.version).toBe(version);
    expect(registry.versions.has(job.candidate)).toBe(false);
    expect(pointer().current).toBe(version);
    expect(existsSync(join(dir, job.candidate))).toBe(false);
    // Left in place, the tampered folder would stop the next start-up.
    await expect(loadModelRegistry(dir)).resolves.toBeTruthy();
  });

  it('cancels with SIGTERM: the trainer cleans up, reports "cancelled", and nothing is published', async () => {
    const { dir, version, registry, runner } = await setUp('hang');
    const { id } = runner.start(request);
    await firstProgress(runner, id);
    expect(runner.cancel(id).state).toBe('stopping');
    expect(runner.cancel(id).state).toBe('stopping');
    const job = await runner.whenEnded(id);
    expect(job.state).toBe('cancelled');
    expect(job.error).toBe('cancelled');
    expect(job.exitCode).toBe(143);
    expect(registry.current.version).toBe(version);
    expect(readdirSync(dir).sort()).toEqual(['manifest.json', version]);
    expect(() => runner.cancel(id)).toThrow(/has already ended \(cancelled\)/);
  });

  it('kills the whole process group when the trainer ignores SIGTERM', async () => {
    const { runner, logs } = await setUp('stubborn', { killGraceMs: 300 });
    const { id } = runner.start(request);
    await firstProgress(runner, id);
    const grandchild = Number(/grandchild (\d+)/.exec(runner.get(id)!.stderrTail)?.[1]);
    expect(alive(grandchild)).toBe(true);
    runner.cancel(id);
    const job = await runner.whenEnded(id);
    expect(job.state).toBe('cancelled');
    expect(job.signal).toBe('SIGKILL');
    expect(job.stderrTail).toContain('ignoring SIGTERM');
    // The group's SIGKILL is sent at once, but a loaded machine may take a moment to run the
    // grandchild's exit after its parent's (a fresh-clone run saw it still running right after).
    await expect.poll(() => alive(grandchild), { timeout: 5_000, interval: 50 }).toBe(false);
    expect(logs.some((e) => e.level === 'warn' && e.message === 'stopping training job' && e.object.reason === 'cancelled')).toBe(true);
  });

  it('stops a job that runs past its time limit and marks it timed out', async () => {
    const { runner } = await setUp('hang', { timeoutMs: 200 });
    const job = await runner.whenEnded(runner.start(request).id);
    expect(job.state).toBe('timed-out');
    expect(job.error).toBe('timed out after 0.2 s');
  });

  it('cancels the running job when the server shuts down', async () => {
    const { runner } = await setUp('hang');
    const { id } = runner.start(request);
    await firstProgress(runner, id);
    await runner.shutdown();
    expect(runner.get(id)!.state).toBe('cancelled');
    expect(runner.active).toBeNull();
  });

  it('fails a trainer that exits without a "done" line, keeping its stderr', async () => {
    const { runner } = await setUp('crash');
    const job = await runner.whenEnded(runner.start(request).id);
    expect(job.state).toBe('failed');
    expect(job.error).toBe('the trainer exited (code 1) without a "done" line');
    expect(job.stderrTail).toContain('RuntimeError: CUDA out of memory');
    expect(job.progress.stage).toBe('finetune');
  });

  it('gives the trainer every feed the server serves, so it can embed each catalogue again', async () => {
    const feedPaths = new Map([['demo', '/feeds/demo.json'], ['acme', '/data/catalogs/acme.json']]);
    const { runner } = await setUp('crash', { feedPaths });
    const job = await runner.whenEnded(runner.start(request).id);
    expect(job.stderrTail).toContain('--feed demo=/feeds/demo.json --feed acme=/data/catalogs/acme.json');
  });

  it('fails with the trainer\'s own message when it reports an error', async () => {
    const { runner } = await setUp('fail');
    const job = await runner.whenEnded(runner.start(request).id);
    expect(job.state).toBe('failed');
    expect(job.error).toBe('the trainer failed: catalog "nope" is not indexed in the current model');
  });

  it('stops a trainer that prints anything but the protocol on stdout', async () => {
    const { runner, logs } = await setUp('garbage');
    const job = await runner.whenEnded(runner.start(request).id);
    expect(job.state).toBe('failed');
    expect(job.error).toBe('the trainer broke the JSON-lines protocol: not a JSON line: "loading weights... done"');
    expect(job.exitCode).toBe(143);
    expect(logs.some((e) => e.level === 'error' && e.message === 'training job protocol error')).toBe(true);
  });

  it('fails a job whose trainer cannot be started, and frees the slot', async () => {
    const { runner } = await setUp('ok', { trainer: { command: '/nonexistent/python', args: ['-m', 'trainer.training_job'] } });
    const job = await runner.whenEnded(runner.start(request).id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/^could not start the trainer \(\/nonexistent\/python\): .*ENOENT/);
    expect(runner.active).toBeNull();
  });

  it('does not publish a candidate judged against a version that was rolled back meanwhile', async () => {
    const { dir, runner, registry } = await setUp('ok');
    const first = await runner.whenEnded(runner.start(request).id);
    expect(first.state).toBe('published');
    const second = runner.start(request);
    await registry.makeCurrent(first.baseVersion); // the merchant rolls back while it trains
    const job = await runner.whenEnded(second.id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(new RegExp(`evaluated against ${first.candidate}, but ${first.baseVersion} is current now`));
    expect(registry.current.version).toBe(first.baseVersion);
    expect(existsSync(join(dir, job.candidate))).toBe(false);
  });
});

describe('trainEveryRounds', () => {
  it('starts a job every k completed rounds, and tries again at the next round while one is running', async () => {
    const { runner } = await setUp('hang');
    const roundCompleted = trainEveryRounds(runner, 2, request);
    expect(roundCompleted()).toBeNull();
    const job = roundCompleted();
    expect(job?.state).toBe('running');
    expect(roundCompleted()).toBeNull();
    expect(roundCompleted()).toBeNull(); // two more rounds, but a job is still running
    runner.cancel(job!.id);
    await runner.whenEnded(job!.id);
    const next = roundCompleted();
    expect(next?.id).not.toBe(job!.id);
    expect(next?.state).toBe('running');
  });

  it('refuses a period that is not a whole number of rounds', async () => {
    const { runner } = await setUp('ok');
    expect(() => trainEveryRounds(runner, 0, request)).toThrow('give a whole number ≥ 1');
  });
});
