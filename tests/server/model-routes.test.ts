/**
 * GET /v1/models and rollback (POST /v1/models/current) over app.inject, on real version
 * folders: the exported model and a candidate the fixture trainer (tests/fixtures/fake-training-job.mjs)
 * wrote and the server published.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingJob } from '../../src/server/training-jobs.ts';
import { tamperWith } from '../support/models.ts';
import { asMerchant, DEMO_KEY, trainingApp } from '../support/training-server.ts';

interface VersionList {
  current: string;
  versions: { version: string; created: string; base_model: string; metrics: Record<string, unknown>; dp: { epsilon: number; delta: number; rounds: number }; current: boolean }[];
}

const rollback = (app: FastifyInstance, payload: object, headers: Record<string, string> = asMerchant(DEMO_KEY)) =>
  app.inject({ method: 'POST', url: '/v1/models/current', headers, payload });

describe('model versions and rollback', () => {
  let app: FastifyInstance;
  let dir: string;
  let base: string;
  let published: TrainingJob;
  beforeAll(async () => {
    let trainingJobs;
    ({ app, dir, version: base, trainingJobs } = await trainingApp('ok'));
    const { jobId } = (await app.inject({ method: 'POST', url: '/v1/training-jobs', headers: asMerchant(DEMO_KEY) })).json<{ jobId: string }>();
    published = await trainingJobs.whenEnded(jobId);
  });
  afterAll(() => app.close());

  it('lists every verified version, oldest first, with its metrics, privacy guarantee and which is current', async () => {
    expect(published.state).toBe('published');
    const res = await app.inject('/v1/models');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
    const list = res.json<VersionList>();
    expect(list.current).toBe(published.candidate);
    expect(list.versions.map((v) => [v.version, v.current])).toEqual([[base, false], [published.candidate, true]]);
    expect(list.versions[1]).toMatchObject({ metrics: { 'ndcg@10': 0.06, 'recall@10': 0.11 }, dp: { epsilon: 0, delta: 0, rounds: 0 }, base_model: list.versions[0]!.base_model });
  });

  it('asks for a merchant key before reading the body', async () => {
    for (const headers of [{}, asMerchant('wrong')]) {
      const res = await rollback(app, { nonsense: true }, headers);
      expect(res.statusCode).toBe(401);
    }
  });

  it.each([
    [{ version: '../etc' }, 400, /body\/version must match pattern/],
    [{ version: 'minilm-l6-v2-000000000000', force: true }, 400, /^body has an unknown field "force"$/],
    [{}, 400, /must have required property 'version'/],
    [{ version: 'minilm-l6-v2-000000000000' }, 404, /no verified model version "minilm-l6-v2-000000000000"/],
  ])('refuses %j (%i) and changes nothing', async (payload, status, message) => {
    const res = await rollback(app, payload);
    expect(res.statusCode).toBe(status);
    expect(res.json().error).toMatch(message);
    expect((await app.inject('/v1/manifest')).json().version).toBe(published.candidate);
  });

  it('rolls back to the earlier version; widgets get it on their next load', async () => {
    const res = await rollback(app, { version: base });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ current: base, previous: published.candidate });
    expect((await app.inject('/v1/manifest')).json().version).toBe(base);
    expect((await app.inject('/models/manifest.json')).json()).toEqual({ current: base, manifest: `${base}/manifest.json` });
    expect((await app.inject('/v1/models')).json<VersionList>().versions.filter((v) => v.current).map((v) => v.version)).toEqual([base]);
  });

  it('refuses to make a version current whose files changed on disk (409), and keeps the current one', async () => {
    tamperWith(dir, published.candidate, 'tokenizer.json');
    const res = await rollback(app, { version: published.candidate });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatch(new RegExp(`model ${published.candidate}: tokenizer.json is 18 bytes`));
    expect((await app.inject('/v1/manifest')).json().version).toBe(base);
    expect((await app.inject('/v1/models')).json<VersionList>().versions.map((v) => v.version)).toEqual([base]);
    // Its files are no longer served either.
    expect((await app.inject(`/models/${published.candidate}/tokenizer_config.json`)).statusCode).toBe(404);
  });
});
