/**
 * The training job API, thin over TrainingJobRunner (training-jobs.ts). A merchant trains on
 * its own catalogue and sees and cancels only its own jobs.
 *
 *   POST   /v1/training-jobs       merchant key  {maxSteps?, timeBudgetS?, device?} → 202 {jobId, job}
 *   GET    /v1/training-jobs       merchant key  → {jobs}
 *   GET    /v1/training-jobs/:id   its merchant  → job (state, progress, started/ended, result)
 *   DELETE /v1/training-jobs/:id   its merchant  → 202 job ("stopping": SIGTERM sent; it ends as "cancelled")
 *
 * Errors are JSON {error}: 400 a malformed body, 401 a missing or wrong key, 404 no such job
 * (or another merchant's), 409 a job is already running / the job has ended / the current model
 * has no catalogue of this merchant's.
 */
import type { FastifyInstance } from 'fastify';
import { ERROR_REPLY_SCHEMA, HttpError, jsonErrorHandler } from './http-error.ts';
import { merchantOf } from './merchant-auth.ts';
import { TrainingJobConflictError, TrainingJobNotFoundError, type TrainingDeviceChoice, type TrainingJob, type TrainingJobRunner } from './training-jobs.ts';

export interface TrainingRoutesOptions {
  runner: TrainingJobRunner;
  /** Merchant id → SHA-256 (hex) of its API key. */
  merchantKeys: ReadonlyMap<string, string>;
}

const nullableNumber = { type: ['number', 'null'] } as const;
const nullableString = { type: ['string', 'null'] } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;

const jobSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    merchant: { type: 'string' },
    catalog: { type: 'string' },
    candidate: { type: 'string' },
    baseVersion: { type: 'string' },
    device: { type: 'string' },
    maxSteps: nullableNumber,
    timeBudgetS: nullableNumber,
    state: { type: 'string', enum: ['running', 'stopping', 'publishing', 'published', 'regressed', 'failed', 'cancelled', 'timed-out'] },
    progress: {
      type: 'object',
      properties: {
        device: nullableString,
        gpus: nullableNumber,
        pid: nullableNumber,
        stage: nullableString,
        step: nullableNumber,
        of: nullableNumber,
        loss: nullableNumber,
        samplesPerS: nullableNumber,
      },
    },
    startedAt: { type: 'string' },
    endedAt: nullableString,
    result: {
      type: ['object', 'null'],
      properties: {
        metrics: anyObject,
        baseline: anyObject,
        regressed: { type: 'boolean' },
        summary: { type: 'string' },
        published: { type: 'boolean' },
        setAsideTo: nullableString,
      },
    },
    error: nullableString,
    exitCode: nullableNumber,
    signal: nullableString,
    stderrTail: { type: 'string' },
  },
} as const;

const errors = { 400: ERROR_REPLY_SCHEMA, 401: ERROR_REPLY_SCHEMA, 404: ERROR_REPLY_SCHEMA, 409: ERROR_REPLY_SCHEMA };
const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;

interface StartBody {
  maxSteps?: number;
  timeBudgetS?: number;
  device?: TrainingDeviceChoice;
}

export async function registerTrainingRoutes(app: FastifyInstance, options: TrainingRoutesOptions): Promise<void> {
  const { runner, merchantKeys } = options;
  await app.register(async (scope) => {
    scope.setErrorHandler(jsonErrorHandler((error) => {
      if (error instanceof TrainingJobConflictError) return 409;
      if (error instanceof TrainingJobNotFoundError) return 404;
      return undefined;
    }));

    const ownJob = (id: string, merchant: string): TrainingJob => {
      const job = runner.get(id);
      // Another merchant's job is answered exactly like a missing one.
      if (!job || job.merchant !== merchant) throw new TrainingJobNotFoundError(`no training job ${id}`);
      return job;
    };

    scope.post<{ Body: StartBody | undefined }>('/v1/training-jobs', {
      // The key before the body: a stranger learns nothing about what the body should be.
      onRequest: async (request) => void merchantOf(request, merchantKeys),
      bodyLimit: 4096,
      schema: {
        body: {
          type: ['object', 'null'],
          // Not additionalProperties: Fastify's Ajv would silently drop unknown keys, not refuse them.
          propertyNames: { enum: ['maxSteps', 'timeBudgetS', 'device'] },
          properties: {
            maxSteps: { type: 'integer', minimum: 1, maximum: 10_000_000 },
            timeBudgetS: { type: 'number', exclusiveMinimum: 0, maximum: 7 * 24 * 3600 },
            device: { type: 'string', enum: ['auto', 'cpu', 'cuda'] },
          },
        },
        response: { 202: { type: 'object', properties: { jobId: { type: 'string' }, job: jobSchema } }, ...errors },
      },
    }, async (request, reply) => {
      const merchant = merchantOf(request, merchantKeys);
      if (!runner.registry.current.catalogs.some((c) => c.name === merchant)) {
        throw new HttpError(409, `model ${runner.registry.current.version} has no catalogue "${merchant}": index it first (npm run index-catalog)`);
      }
      const body = request.body ?? {};
      const job = runner.start({ merchant, catalog: merchant, ...body });
      return reply.code(202).send({ jobId: job.id, job });
    });

    scope.get('/v1/training-jobs', { schema: { response: { 200: { type: 'object', properties: { jobs: { type: 'array', items: jobSchema } } }, ...errors } } }, async (request) => ({
      jobs: runner.list(merchantOf(request, merchantKeys)),
    }));

    scope.get<{ Params: { id: string } }>('/v1/training-jobs/:id', { schema: { params: idParams, response: { 200: jobSchema, ...errors } } }, async (request) =>
      ownJob(request.params.id, merchantOf(request, merchantKeys)));

    scope.delete<{ Params: { id: string } }>('/v1/training-jobs/:id', { schema: { params: idParams, response: { 202: jobSchema, ...errors } } }, async (request, reply) => {
      const job = ownJob(request.params.id, merchantOf(request, merchantKeys));
      return reply.code(202).send(runner.cancel(job.id));
    });
  });
}
