/**
 * JSON schemas shared by the server's routes, and those of the routes app.ts declares. Fastify
 * validates requests against them, serialises replies with them, and the OpenAPI document
 * (openapi.ts) is generated from them, so the document cannot drift from what the server does.
 * Reply objects allow additional properties: a field added to a reply must not be dropped
 * silently by the serialiser because its schema was not updated in the same change.
 */

/** Every error reply: `{ "error": "<what went wrong, for a person>" }`. */
export const errorBody = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'string' } },
} as const;

const ERROR_MEANINGS: Record<number, string> = {
  400: 'malformed request (the error names the field)',
  401: 'missing or wrong API key or round token',
  403: 'not allowed (origin, ownership or privacy budget)',
  404: 'no such resource',
  409: 'refused in the current state (a round\'s phase, a replay, a wrong length; a model switched in during an upload)',
  413: 'body larger than this route accepts',
  415: 'unsupported Content-Type',
  429: 'rate limited: retry after the Retry-After header (seconds)',
};

/** Reply schemas for the given error statuses. */
export function errorReplies(...statuses: (keyof typeof ERROR_MEANINGS)[]): Record<number, object> {
  return Object.fromEntries(statuses.map((status) => [status, { description: ERROR_MEANINGS[status], ...errorBody }]));
}

/** An object reply with these required string/number fields, open to more. */
export const openObject = (description: string, properties: Record<string, object> = {}, required: string[] = Object.keys(properties)) =>
  ({ description, type: 'object', required, properties, additionalProperties: true }) as const;

export const healthSchema = {
  summary: 'liveness and the current model version',
  response: { 200: openObject('the server is up', { status: { type: 'string', const: 'ok' }, model: { type: 'string' } }) },
} as const;

export const manifestSchema = {
  summary: "the current model's manifest (files with sha256, dims, intents, catalogues, DP guarantee)",
  response: {
    200: openObject('see src/core/manifest.ts', {
      version: { type: 'string' },
      created: { type: 'string' },
      base_model: { type: 'string' },
      dims: { type: 'integer' },
      files: { type: 'array', items: openObject('a verified file', { name: { type: 'string' }, bytes: { type: 'integer' }, sha256: { type: 'string' }, dtype: { type: 'string' } }) },
      catalogs: { type: 'array', items: openObject('an embedded catalogue', { name: { type: 'string' }, items: { type: 'string' }, ids: { type: 'string' }, rows: { type: 'integer' } }) },
      dp: openObject('the DP guarantee of this version', { epsilon: { type: 'number' }, delta: { type: 'number' }, rounds: { type: 'number' } }),
    }),
  },
} as const;

/** A catalogue or merchant name: also a file-name and URL segment. */
export const nameParam = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$' } as const;

export const feedSchema = {
  summary: "a merchant's product feed (the catalogue as parseCatalog reads it); ETag / If-None-Match for 304",
  params: { type: 'object', required: ['merchant'], properties: { merchant: { type: 'string' } } },
  response: {
    200: openObject('the catalogue', { name: { type: 'string' }, currency: { type: 'string' }, licence: { type: 'string' }, products: { type: 'array', items: { type: 'object' } } }),
    304: { description: 'unchanged since the ETag in If-None-Match', type: 'null' },
    ...errorReplies(403, 404),
  },
} as const;
