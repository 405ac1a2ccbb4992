/**
 * The training job API over app.inject, with the fixture trainer (tests/fixtures/fake-training-job.mjs)
 * as a real child process: keys, one job at a time, progress, cancel, and a published
 * candidate that the manifest endpoint and model file serving follow without a restart.
 */
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingJob, TrainingJobRunner } from '../../src/server/training-jobs.ts';
import { asMerchant, DEMO_KEY, OTHER_KEY, trainingApp } from '../support/training-server.ts';

async function firstProgress(app: FastifyInstance, id: string): Promise<TrainingJob> {
  for (;;) {
    const job = (await app.inject({ url: `/v1/training-jobs/${id}`, headers: asMerchant(DEMO_KEY) })).json<TrainingJob>();
    if (job.progress.stage !== null) return job;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('training job routes, a trainer that runs until cancelled', () => {
  let app: FastifyInstance;
  let runner: TrainingJobRunner;
  beforeAll(async () => {
    ({ app, trainingJobs: runner } = await trainingApp('hang'));
  });
  afterAll(() => app.close());

  it('asks for a merchant key before anything else', async () => {
    for (const headers of [{}, asMerchant('not-a-key')]) {
      const res = await app.inject({ method: 'POST', url: '/v1/training-jobs', headers, payload: { device: 'tpu' } });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: 'a merchant API key is required (Authorization: Bearer <key>)' });
    }
    expect((await app.inject('/v1/training-jobs')).statusCode).toBe(401);
    expect((await app.inject({ method: 'DELETE', url: '/v1/training-jobs/x' })).statusCode).toBe(401);
    expect(runner.list()).toEqual([]);
  });

  it.each([
    [{ device: 'tpu' }, /device must be equal to one of the allowed values/],
    [{ maxSteps: 0 }, /maxSteps must be >= 1/],
    [{ maxSteps: 2.5 }, /maxSteps must be integer/],
    [{ timeBudgetS: -1 }, /timeBudgetS must be > 0/],
    [{ epochs: 3 }, /^body has an unknown field "epochs"$/],
  ])('refuses the body %j with 400 and starts nothing', async (payload, message) => {
    const res = await app.inject({ method: 'POST', url: '/v1/training-jobs', headers: asMerchant(DEMO_KEY), payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(message);
    expect(runner.active).toBeNull();
  });

  it('refuses a merchant whose catalogue the current model does not have', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/training-jobs', headers: asMerchant(OTHER_KEY) });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatch(/has no catalogue "other": index it first/);
  });

  it('starts one job (202), refuses a second (409), reports progress, and cancels', async () => {
    const start = await app.inject({ method: 'POST', url: '/v1/training-jobs', headers: asMerchant(DEMO_KEY), payload: { maxSteps: 2, timeBudgetS: 30, device: 'cpu' } });
    expect(start.statusCode).toBe(202);
    const { jobId, job } = start.json<{ jobId: string; job: TrainingJob }>();
    expect(job).toMatchObject({ id: jobId, merchant: 'demo', catalog: 'demo', state: 'running', device: 'cpu', maxSteps: 2, timeBudgetS: 30, endedAt: null, result: null });

    const second = await app.inject({ method: 'POST', url: '/v1/training-jobs', headers: asMerchant(DEMO_KEY) });
    expect(second.statusCode).toBe(409);
    expect(second.json().error).toBe(`training job ${jobId} is still running; one job runs at a time`);

    const running = await firstProgress(app, jobId);
    expect(running.progress).toMatchObject({ device: 'cpu', gpus: 0, stage: 'finetune' });
    // The fixture's two requested steps, or (on a loaded machine the poll comes later) its endless loop's.
    expect([2, 1000]).toContain(running.progress.of);
    expect(running.progress.pid).toBeGreaterThan(0);
    const listed = (await app.inject({ url: '/v1/training-jobs', headers: asMerchant(DEMO_KEY) })).json<{ jobs: TrainingJob[] }>();
    expect(listed.jobs.map((j) => j.id)).toEqual([jobId]);

    // Another merchant neither sees nor cancels it.
    expect((await app.inject({ url: '/v1/training-jobs', headers: asMerchant(OTHER_KEY) })).json()).toEqual({ jobs: [] });
    expect((await app.inject({ url: `/v1/training-jobs/${jobId}`, headers: asMerchant(OTHER_KEY) })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: `/v1/training-jobs/${jobId}`, headers: asMerchant(OTHER_KEY) })).statusCode).toBe(404);

    const cancel = await app.inject({ method: 'DELETE', url: `/v1/training-jobs/${jobId}`, headers: asMerchant(DEMO_KEY) });
    expect(cancel.statusCode).toBe(202);
    expect(cancel.json().state).toBe('stopping');
    await runner.whenEnded(jobId);
    const ended = (await app.inject({ url: `/v1/training-jobs/${jobId}`, headers: asMerchant(DEMO_KEY) })).json<TrainingJob>();
    expect(ended).toMatchObject({ state: 'cancelled', error: 'cancelled', exitCode: 143 });
    expect(ended.endedAt).not.toBeNull();

    const again = await app.inject({ method: 'DELETE', url: `/v1/training-jobs/${jobId}`, headers: asMerchant(DEMO_KEY) });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe(`training job ${jobId} has already ended (cancelled)`);
    expect((await app.inject({ url: '/v1/training-jobs/no-such-job', headers: asMerchant(DEMO_KEY) })).statusCode).toBe(404);
  });
});

describe('training job routes, a trainer whose candidate does not regress', () => {
  let app: FastifyInstance;
  let runner: TrainingJobRunner;
  let dir: string;
  let version: string;
  beforeAll(async () => {
    ({ app, trainingJobs: runner, dir, version } = await trainingApp('ok'));
  });
  afterAll(() => app.close());

  it('publishes it, and the manifest endpoint and model files follow without a restart', async () => {
    const before = await app.inject('/v1/manifest');
    expect(before.json().version).toBe(version);
    const { jobId } = (await app.inject({ method: 'POST', url: '/v1/training-jobs', headers: asMerchant(DEMO_KEY) })).json<{ jobId: string }>();
    const job = await runner.whenEnded(jobId);
    expect(job.state).toBe('published');

    const manifest = await app.inject('/v1/manifest');
    expect(manifest.json()).toMatchObject({ version: job.candidate, metrics: { 'ndcg@10': 0.06 } });
    // Revalidated on every load, so a widget's next load sees the new version.
    expect(manifest.headers['cache-control']).toBe('no-cache');
    expect((await app.inject('/healthz')).json().model).toBe(job.candidate);
    const pointer = await app.inject('/models/manifest.json');
    expect(pointer.json().current).toBe(job.candidate);
    expect(pointer.headers['cache-control']).toBe('no-cache');
    const file = await app.inject(`/models/${job.candidate}/tokenizer_config.json`);
    expect(file.statusCode).toBe(200);
    expect(file.body).toBe(readFileSync(join(dir, version, 'tokenizer_config.json'), 'utf8'));
    expect(file.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // The earlier version's files stay served: widgets that loaded it keep working.
    expect((await app.inject(`/models/${version}/tokenizer_config.json`)).statusCode).toBe(200);
  });
});
