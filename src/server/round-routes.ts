/**
 * The federated round API over HTTP, thin over RoundCoordinator: merchants open and advance
 * rounds with their API key; browsers check in, upload their SecAgg+ messages as the wire
 * format's bytes (src/core/secagg-wire.ts) and fetch what each closed phase left for them.
 *
 *   POST /v1/rounds                          merchant key   {length, privacy, tolerance?} → 201 {roundId, privacy spend}
 *   POST /v1/rounds/:roundId/advance         its merchant   → {phase, abortReason, survivors?}
 *   GET  /v1/rounds/:roundId                 anyone         → {roundId, phase, length, tolerance}
 *   POST /v1/rounds/:roundId/check-in        anyone         → 201 {index, token}
 *   POST /v1/rounds/:roundId/messages/:kind  client token   wire bytes → 202
 *   GET  /v1/rounds/:roundId/reply/:index    client token   → 200 wire bytes (X-Privet-Reply names the kind), 204 none yet
 *
 * Errors are JSON {error}: 400 a malformed body, 401 a missing or wrong key or token, 404 no
 * such open round, 403 a round past the merchant's ε budget, 409 a message the protocol refuses
 * now (wrong phase, replay, wrong length). Request and reply schemas are in round-schemas.ts;
 * each route's config names its CORS policy (cors.ts) and rate limit (rate-limits.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SecAggTolerance } from '../core/secagg-parameters.ts';
import { CLIENT_MESSAGE_KINDS, encodeTaggedReply, type ClientMessageKind } from '../core/secagg-wire.ts';
import { clientErrorMessage } from './http-errors.ts';
import { bearerToken, merchantForKey } from './merchants.ts';
import { checkRoundPrivacy, PrivacyBudgetError, type PrivacyBudget, type RoundPrivacy } from './privacy-budget.ts';
import { RoundCoordinator, UnauthenticatedError } from './round-coordinator.ts';
import { logRoundAdvanced, logRoundOpened } from './round-events.ts';
import { advanceRoundSchema, checkInSchema, MAX_ROUND_LENGTH, messageSchema, openRoundSchema, replySchema, roundSchema } from './round-schemas.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Keep the body as the exact bytes sent (the wire format is logged as uploaded). */
    rawBody?: boolean;
  }
}

export interface FederationOptions {
  coordinator: RoundCoordinator;
  /** Merchant id → SHA-256 (hex) of its API key. Keys themselves are never kept. */
  merchantKeys: ReadonlyMap<string, string>;
  /** The model version a new round updates. */
  modelVersion: () => string;
  /** Every merchant's (ε, δ) budget over all its rounds. */
  privacyBudget: PrivacyBudget;
  /** Id for a new round (a random UUID by default). */
  newRoundId?: () => string;
}

// A masked input is 4 bytes a value in base64 (×4/3) plus a little JSON.
const MESSAGE_BODY_LIMIT = Math.ceil((MAX_ROUND_LENGTH * 4 * 4) / 3) + 4096;
const DEFAULT_TOLERANCE: SecAggTolerance = { dropout: 0.3, collusion: 0.05 };

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const bearer = (request: FastifyRequest) => bearerToken(request.headers.authorization);

function merchantOf(request: FastifyRequest, keys: ReadonlyMap<string, string>): string {
  const merchant = merchantForKey(keys, bearer(request));
  if (merchant !== undefined) return merchant;
  throw new HttpError(401, 'a merchant API key is required (Authorization: Bearer <key>)');
}

function statusOf(error: Error): number {
  if (error instanceof HttpError) return error.status;
  if (error instanceof UnauthenticatedError) return 401;
  if (error instanceof PrivacyBudgetError) return 403;
  if (/^secagg: no open round/.test(error.message)) return 404;
  if (/^secagg wire:/.test(error.message)) return 400;
  return 409;
}

/** The open request's body, its types and ranges already checked by openRoundSchema. */
interface OpenRequest {
  length: number;
  tolerance?: SecAggTolerance;
  privacy: unknown;
}

function parseOpen(body: OpenRequest): { length: number; tolerance: SecAggTolerance; privacy: RoundPrivacy } {
  const tolerance = body.tolerance ?? DEFAULT_TOLERANCE;
  let privacy: RoundPrivacy;
  try {
    privacy = checkRoundPrivacy(body.privacy);
  } catch (error) {
    throw new HttpError(400, (error as Error).message);
  }
  return { length: body.length, tolerance: { dropout: tolerance.dropout, collusion: tolerance.collusion }, privacy };
}

export async function registerRoundRoutes(app: FastifyInstance, options: FederationOptions): Promise<void> {
  const { coordinator, merchantKeys } = options;
  const newRoundId = options.newRoundId ?? (() => crypto.randomUUID());
  await app.register(async (scope) => {
    // Uploads are logged as the exact bytes the client sent: keep their bodies raw.
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: MESSAGE_BODY_LIMIT }, (request, body, done) => {
      if (request.routeOptions.config.rawBody) return done(null, body);
      try {
        done(null, JSON.parse((body as Buffer).toString('utf8')));
      } catch {
        done(new HttpError(400, 'the body must be JSON'));
      }
    });
    scope.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply: FastifyReply) => {
      // Fastify's own (body too large, wrong content type, schema) carry their status.
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : statusOf(error);
      return reply.code(status).send({ error: clientErrorMessage(error, request) });
    });

    // The key is checked before the body is read or validated: strangers learn nothing of the schema.
    const requireMerchant = async (request: FastifyRequest) => void merchantOf(request, merchantKeys);
    scope.post('/v1/rounds', { bodyLimit: 16_384, schema: openRoundSchema, config: { cors: 'off', rateLimit: 'merchant' }, onRequest: requireMerchant }, async (request, reply) => {
      const merchant = merchantOf(request, merchantKeys);
      const { length, tolerance, privacy } = parseOpen(request.body as OpenRequest);
      const roundId = newRoundId();
      const spend = await coordinator.open(merchant, options.modelVersion(), { roundId, length, tolerance }, privacy, options.privacyBudget);
      logRoundOpened(request.log, { roundId, merchant, length, ...spend });
      return reply.code(201).send({ roundId, privacy: { ...spend, delta: options.privacyBudget.delta, budget: options.privacyBudget.epsilon } });
    });

    scope.post<{ Params: { roundId: string } }>('/v1/rounds/:roundId/advance', { schema: advanceRoundSchema, config: { cors: 'off', rateLimit: 'merchant' } }, async (request) => {
      const summary = await coordinator.advance(request.params.roundId, merchantOf(request, merchantKeys));
      logRoundAdvanced(request.log, summary);
      return { phase: summary.phase, abortReason: summary.abortReason, ...(summary.result && { survivors: summary.result.survivors.length }) };
    });

    scope.get<{ Params: { roundId: string } }>('/v1/rounds/:roundId', { schema: roundSchema, config: { cors: 'round-merchant' } }, async (request) => {
      const { roundId } = request.params;
      const { length, tolerance } = coordinator.config(roundId);
      return { roundId, phase: coordinator.phase(roundId), length, tolerance };
    });

    scope.post<{ Params: { roundId: string } }>('/v1/rounds/:roundId/check-in', { schema: checkInSchema, config: { cors: 'round-merchant', rateLimit: 'checkIn' } }, async (request, reply) =>
      reply.code(201).send(await coordinator.checkIn(request.params.roundId)));

    const messageConfig = { cors: 'round-merchant', rateLimit: 'upload', rawBody: true } as const;
    scope.post<{ Params: { roundId: string; kind: string } }>('/v1/rounds/:roundId/messages/:kind', { bodyLimit: MESSAGE_BODY_LIMIT, schema: messageSchema, config: messageConfig }, async (request, reply) => {
      const { roundId, kind } = request.params;
      if (!(CLIENT_MESSAGE_KINDS as readonly string[]).includes(kind)) throw new HttpError(404, `no message kind "${kind}" (expected ${CLIENT_MESSAGE_KINDS.join(', ')})`);
      if (!Buffer.isBuffer(request.body)) throw new HttpError(400, 'send the message as application/json');
      await coordinator.submit(roundId, kind as ClientMessageKind, request.body, bearer(request));
      return reply.code(202).send();
    });

    scope.get<{ Params: { roundId: string; index: string } }>('/v1/rounds/:roundId/reply/:index', { schema: replySchema, config: { cors: 'round-merchant' } }, async (request, reply) => {
      const { roundId } = request.params;
      const index = Number(request.params.index);
      const due = coordinator.reply(roundId, index, bearer(request));
      if (!due) return reply.code(204).send();
      return reply.header('Content-Type', 'application/json').header('X-Privet-Reply', due.kind).header('Cache-Control', 'no-store').send(Buffer.from(encodeTaggedReply(due)));
    });
  });
}
