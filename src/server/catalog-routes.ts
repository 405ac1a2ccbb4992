/**
 * PUT /v1/catalogs/:name — a merchant uploads a catalogue (its API key; only a catalogue
 * merchants.ts lets it own). The body is JSON as parseCatalog reads it (application/json), or
 * CSV with a header row (text/csv, columns in src/core/catalog-csv.ts; the catalogue's
 * currency and licence as ?currency=USD&licence=…). Bad input is a 400 naming the row or
 * product and the field, and nothing is written; a good one is embedded, listed in the
 * manifest and served at /v1/catalog/:name without a restart (catalog-ingest.ts).
 */
import type { FastifyInstance } from 'fastify';
import { parseCatalog, type Catalog } from '../core/catalog.ts';
import { CSV_OPTIONAL_COLUMNS, CSV_REQUIRED_COLUMNS, parseCatalogCsv } from '../core/catalog-csv.ts';
import type { CatalogIngest } from './catalog-ingest.ts';
import { errorReplies, nameParam, openObject } from './http-schemas.ts';
import { bearerToken, type MerchantDirectory } from './merchants.ts';

export interface CatalogRouteOptions {
  ingest: CatalogIngest;
  merchants: MerchantDirectory;
  /** The largest catalogue body accepted, in bytes (32 MiB by default: ~50,000 products as JSON). */
  bodyLimit?: number;
}

const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;

const catalogSchema = {
  summary: 'upload a catalogue (merchant key): embedded with the current model, listed in the manifest, served as a feed',
  security: [{ merchantKey: [] }],
  params: { type: 'object', required: ['name'], properties: { name: nameParam } },
  querystring: {
    type: 'object',
    properties: {
      currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'CSV only: ISO 4217 code of the prices' },
      licence: { type: 'string', minLength: 1, description: 'CSV only: the catalogue’s licence (default "proprietary")' },
    },
    additionalProperties: false,
  },
  body: {
    content: {
      'application/json': { schema: { type: 'object', required: ['name', 'currency', 'licence', 'products'], description: 'a catalogue as src/core/catalog.ts parseCatalog reads it' } },
      'text/csv': { schema: { type: 'string', description: `header row, then one product a row; required columns ${CSV_REQUIRED_COLUMNS.join(', ')}; optional ${CSV_OPTIONAL_COLUMNS.join(', ')}` } },
    },
  },
  response: {
    200: openObject('unchanged: the model already holds exactly this catalogue', outcomeProperties()),
    201: openObject('embedded and live', outcomeProperties()),
    ...errorReplies(400, 401, 403, 409, 413, 415, 429),
  },
} as const;

function outcomeProperties() {
  return { name: { type: 'string' }, products: { type: 'integer' }, items: { type: 'string' }, embedded: { type: 'boolean' }, seconds: { type: 'number' } };
}

class BadCatalog extends Error {
  readonly statusCode = 400;
}

function readCatalog(body: unknown, contentType: string | undefined, name: string, query: { currency?: string; licence?: string }): Catalog {
  try {
    if (typeof body !== 'string') return parseCatalog(body);
    if (!query.currency) throw new Error('a CSV catalogue needs its currency: add ?currency=USD (an ISO 4217 code)');
    return parseCatalogCsv(body, { name, currency: query.currency, licence: query.licence ?? 'proprietary' });
  } catch (error) {
    throw new BadCatalog(`${(error as Error).message} (${contentType ?? 'no Content-Type'})`);
  }
}

export async function registerCatalogRoutes(app: FastifyInstance, options: CatalogRouteOptions): Promise<void> {
  const { ingest, merchants } = options;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  await app.register(async (scope) => {
    // JSON or CSV, nothing else: a text/plain body would otherwise be read as CSV by accident.
    scope.removeContentTypeParser('text/plain');
    scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit }, (_request, body, done) => done(null, body));
    scope.put<{ Params: { name: string }; Querystring: { currency?: string; licence?: string } }>(
      '/v1/catalogs/:name',
      { bodyLimit, schema: catalogSchema, config: { cors: 'off', rateLimit: 'merchant' } },
      async (request, reply) => {
        const merchant = merchants.byKey(bearerToken(request.headers.authorization));
        if (!merchant) return reply.code(401).send({ error: 'a merchant API key is required (Authorization: Bearer <key>)' });
        const { name } = request.params;
        if (!merchant.catalogs.includes(name)) {
          return reply.code(403).send({ error: `merchant "${merchant.id}" may not upload catalogue "${name}" (its catalogues: ${merchant.catalogs.join(', ')})` });
        }
        const catalog = readCatalog(request.body, request.headers['content-type'], name, request.query);
        const outcome = await ingest.ingest(name, catalog);
        request.log.info({ event: 'catalog-ingested', merchant: merchant.id, ...outcome }, 'catalogue ingested');
        return reply.code(outcome.embedded ? 201 : 200).send(outcome);
      },
    );
  });
}
