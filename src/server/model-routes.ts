/**
 * The model versions over HTTP: which exist (verified at load or when published), with their
 * offline metrics and privacy guarantee, and which one widgets get; a merchant may make any
 * verified version current again (rollback), its files hashed afresh first.
 *
 *   GET  /v1/models           anyone        → {current, versions: [{version, created, base_model, metrics, dp, current}]}
 *   POST /v1/models/current   merchant key  {version} → {current, previous}
 *
 * Errors are JSON {error}: 400 a malformed body, 401 no or a wrong key, 404 no such version,
 * 409 the version no longer passes verification (the current one stays).
 */
import type { FastifyInstance } from 'fastify';
import { ERROR_REPLY_SCHEMA, HttpError, jsonErrorHandler } from './http-error.ts';
import { merchantOf } from './merchant-auth.ts';
import { ModelIntegrityError, type ModelRegistry } from './model-registry.ts';

export interface ModelRoutesOptions {
  registry: ModelRegistry;
  /** Merchant id → SHA-256 (hex) of its API key. */
  merchantKeys: ReadonlyMap<string, string>;
}

const versionSchema = {
  type: 'object',
  properties: {
    version: { type: 'string' },
    created: { type: 'string' },
    base_model: { type: 'string' },
    metrics: { type: 'object', additionalProperties: true },
    dp: { type: 'object', properties: { epsilon: { type: 'number' }, delta: { type: 'number' }, rounds: { type: 'number' } } },
    current: { type: 'boolean' },
  },
} as const;

export async function registerModelRoutes(app: FastifyInstance, options: ModelRoutesOptions): Promise<void> {
  const { registry, merchantKeys } = options;
  await app.register(async (scope) => {
    scope.setErrorHandler(jsonErrorHandler((error) => (error instanceof ModelIntegrityError ? 409 : undefined)));

    scope.get('/v1/models', {
      schema: { response: { 200: { type: 'object', properties: { current: { type: 'string' }, versions: { type: 'array', items: versionSchema } } } } },
    }, async (_request, reply) => {
      const current = registry.current.version;
      const versions = [...registry.versions.values()]
        .map(({ version, created, base_model, metrics, dp }) => ({ version, created, base_model, metrics, dp, current: version === current }))
        .sort((a, b) => a.created.localeCompare(b.created) || a.version.localeCompare(b.version));
      reply.header('Cache-Control', 'no-cache');
      return { current, versions };
    });

    scope.post<{ Body: { version: string } }>('/v1/models/current', {
      // The key before the body: a stranger learns nothing about what the body should be.
      onRequest: async (request) => void merchantOf(request, merchantKeys),
      bodyLimit: 1024,
      schema: {
        body: { type: 'object', propertyNames: { enum: ['version'] }, required: ['version'], properties: { version: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', maxLength: 200 } } },
        response: { 200: { type: 'object', properties: { current: { type: 'string' }, previous: { type: 'string' } } }, 400: ERROR_REPLY_SCHEMA, 401: ERROR_REPLY_SCHEMA, 404: ERROR_REPLY_SCHEMA, 409: ERROR_REPLY_SCHEMA },
      },
    }, async (request) => {
      const merchant = merchantOf(request, merchantKeys);
      const { version } = request.body;
      if (!registry.versions.has(version)) throw new HttpError(404, `no verified model version "${version}" (GET /v1/models lists them)`);
      const previous = registry.current.version;
      await registry.makeCurrent(version);
      request.log.info({ merchant, version, previous }, 'model version made current');
      return { current: version, previous };
    });
  });
}
