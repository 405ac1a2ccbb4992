/**
 * The federated round API over HTTP, thin over RoundCoordinator: merchants open and advance
 * rounds with their API key; browsers check in, upload their SecAgg+ messages as the wire
 * format's bytes (src/core/secagg-wire.ts) and fetch what each closed phase left for them.
 *
 *   POST /v1/rounds                          merchant key   {length, privacy, tolerance?, catalog?, ranker?, fixedPoint?, checkInSeconds?} → 201 {roundId, privacy spend}
 *   GET  /v1/rounds/open?merchant=           anyone         → 200 the round announcement (core/round-announcement.ts), 204 none
 *   POST /v1/rounds/:roundId/advance         its merchant   → {phase, abortReason, survivors?}
 *   GET  /v1/rounds/:roundId                 anyone         → {roundId, phase, length, tolerance}
 *   POST /v1/rounds/:roundId/check-in        anyone         → 201 {index, token}
 *   POST /v1/rounds/:roundId/messages/:kind  client token   wire bytes → 202
 *   GET  /v1/rounds/:roundId/reply/:index    client token   → 200 wire bytes (X-Privet-Reply names the kind), 204 none yet
 *
 * Errors are JSON {error}: 400 a malformed body, 401 a missing or wrong key or token, 404 no
 * such open round, 403 a round past the merchant's ε budget, 409 a message the protocol refuses
 * now (wrong phase, replay, wrong length).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SecAggTolerance } from '../core/secagg-parameters.ts';
import { CLIENT_MESSAGE_KINDS, encodeTaggedReply, type ClientMessageKind } from '../core/secagg-wire.ts';
import { checkRoundPrivacy, PrivacyBudgetError, type PrivacyBudget, type RoundPrivacy } from './privacy-budget.ts';
import { RoundCoordinator, UnauthenticatedError, type RoundListing } from './round-coordinator.ts';

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

/** The longest update a round may carry; each round then checks its own exact length. */
export const MAX_ROUND_LENGTH = 1_000_000;
// A masked input is 4 bytes a value in base64 (×4/3) plus a little JSON.
const MESSAGE_BODY_LIMIT = Math.ceil((MAX_ROUND_LENGTH * 4 * 4) / 3) + 4096;
const DEFAULT_TOLERANCE: SecAggTolerance = { dropout: 0.3, collusion: 0.05 };
const DEFAULT_CHECK_IN_SECONDS = 300;
/** 2^16 codes per unit: with C ≤ 2 a cohort of thousands stays far from wrapping the ring (fixed-point.ts). */
const DEFAULT_FIXED_POINT_SCALE = 2 ** 16;

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function bearer(request: FastifyRequest): string | undefined {
  const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
  return match?.[1];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

function merchantOf(request: FastifyRequest, keys: ReadonlyMap<string, string>): string {
  const key = bearer(request);
  if (key) {
    const hash = sha256(key);
    for (const [merchant, expected] of keys) if (timingSafeEqual(hash, Buffer.from(expected, 'hex'))) return merchant;
  }
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

/** The announcement of a round for browsers: only with the catalogue and the ranker file it updates. */
function parseListing(parsed: { catalog?: unknown; ranker?: unknown; fixedPoint?: unknown; checkInSeconds?: unknown }, now: number): RoundListing | undefined {
  const { catalog, ranker } = parsed;
  if (catalog === undefined && ranker === undefined) return undefined;
  if (typeof catalog !== 'string' || !catalog || typeof ranker !== 'string' || !ranker) throw new HttpError(400, 'catalog and ranker must be given together, as the catalogue name and its ranker file in the manifest');
  const scale = (parsed.fixedPoint as { scale?: unknown } | undefined)?.scale ?? DEFAULT_FIXED_POINT_SCALE;
  if (typeof scale !== 'number' || !(scale > 0) || !Number.isFinite(scale)) throw new HttpError(400, 'fixedPoint.scale must be a positive number');
  const seconds = parsed.checkInSeconds ?? DEFAULT_CHECK_IN_SECONDS;
  if (typeof seconds !== 'number' || !(seconds > 0) || !Number.isFinite(seconds)) throw new HttpError(400, 'checkInSeconds must be a positive number');
  return { catalog, ranker, fixedPoint: { scale }, checkInUntil: now + seconds * 1000 };
}

function parseOpen(body: Buffer): { length: number; tolerance: SecAggTolerance; privacy: RoundPrivacy; listing: RoundListing | undefined } {
  let parsed: { length?: unknown; tolerance?: unknown; privacy?: unknown; catalog?: unknown; ranker?: unknown; fixedPoint?: unknown; checkInSeconds?: unknown };
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch {
    throw new HttpError(400, 'the body must be JSON: {"length": <values per update>, "privacy": {"sampleRate", "noiseMultiplier", "clipNorm"}, "tolerance"?: {"dropout", "collusion"}}');
  }
  const { length } = parsed;
  if (!Number.isInteger(length) || (length as number) < 1 || (length as number) > MAX_ROUND_LENGTH) {
    throw new HttpError(400, `length must be a whole number from 1 to ${MAX_ROUND_LENGTH}`);
  }
  const tolerance = (parsed.tolerance ?? DEFAULT_TOLERANCE) as SecAggTolerance;
  for (const key of ['dropout', 'collusion'] as const) {
    if (typeof tolerance[key] !== 'number' || !(tolerance[key] >= 0 && tolerance[key] < 1)) throw new HttpError(400, `tolerance.${key} must be a fraction in [0, 1)`);
  }
  let privacy: RoundPrivacy;
  try {
    privacy = checkRoundPrivacy(parsed.privacy);
  } catch (error) {
    throw new HttpError(400, (error as Error).message);
  }
  return { length: length as number, tolerance: { dropout: tolerance.dropout, collusion: tolerance.collusion }, privacy, listing: parseListing(parsed, Date.now()) };
}

export async function registerRoundRoutes(app: FastifyInstance, options: FederationOptions): Promise<void> {
  const { coordinator, merchantKeys } = options;
  const newRoundId = options.newRoundId ?? (() => crypto.randomUUID());
  await app.register(async (scope) => {
    // Uploads are logged as the exact bytes the client sent: keep the body raw.
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: MESSAGE_BODY_LIMIT }, (_request, body, done) => done(null, body));
    scope.setErrorHandler((error: Error & { statusCode?: number }, _request, reply: FastifyReply) => {
      // Fastify's own (body too large, wrong content type) carry their status.
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : statusOf(error);
      return reply.code(status).send({ error: error.message });
    });

    scope.post('/v1/rounds', { bodyLimit: 16_384 }, async (request, reply) => {
      const merchant = merchantOf(request, merchantKeys);
      const { length, tolerance, privacy, listing } = parseOpen(request.body as Buffer);
      const roundId = newRoundId();
      const spend = await coordinator.open(merchant, options.modelVersion(), { roundId, length, tolerance }, privacy, options.privacyBudget, listing);
      return reply.code(201).send({ roundId, privacy: { ...spend, delta: options.privacyBudget.delta, budget: options.privacyBudget.epsilon } });
    });

    scope.post<{ Params: { roundId: string } }>('/v1/rounds/:roundId/advance', async (request) => {
      const summary = await coordinator.advance(request.params.roundId, merchantOf(request, merchantKeys));
      return { phase: summary.phase, abortReason: summary.abortReason, ...(summary.result && { survivors: summary.result.survivors.length }) };
    });

    // Registered before /v1/rounds/:roundId: "open" is not a round id.
    scope.get<{ Querystring: { merchant?: string } }>('/v1/rounds/open', async (request, reply) => {
      const { merchant } = request.query;
      if (!merchant) throw new HttpError(400, 'name the merchant: /v1/rounds/open?merchant=<data-merchant>');
      const announcement = coordinator.announcement(merchant);
      reply.header('Cache-Control', 'no-store');
      return announcement ? reply.send(announcement) : reply.code(204).send();
    });

    scope.get<{ Params: { roundId: string } }>('/v1/rounds/:roundId', async (request) => {
      const { roundId } = request.params;
      const { length, tolerance } = coordinator.config(roundId);
      return { roundId, phase: coordinator.phase(roundId), length, tolerance };
    });

    scope.post<{ Params: { roundId: string } }>('/v1/rounds/:roundId/check-in', async (request, reply) =>
      reply.code(201).send(await coordinator.checkIn(request.params.roundId)));

    scope.post<{ Params: { roundId: string; kind: string } }>('/v1/rounds/:roundId/messages/:kind', async (request, reply) => {
      const { roundId, kind } = request.params;
      if (!(CLIENT_MESSAGE_KINDS as readonly string[]).includes(kind)) throw new HttpError(404, `no message kind "${kind}" (expected ${CLIENT_MESSAGE_KINDS.join(', ')})`);
      if (!Buffer.isBuffer(request.body)) throw new HttpError(400, 'send the message as application/json');
      await coordinator.submit(roundId, kind as ClientMessageKind, request.body, bearer(request));
      return reply.code(202).send();
    });

    scope.get<{ Params: { roundId: string; index: string } }>('/v1/rounds/:roundId/reply/:index', async (request, reply) => {
      const { roundId } = request.params;
      const index = Number(request.params.index);
      const due = coordinator.reply(roundId, index, bearer(request));
      if (!due) return reply.code(204).send();
      return reply.header('Content-Type', 'application/json').header('X-Privet-Reply', due.kind).header('Cache-Control', 'no-store').send(Buffer.from(encodeTaggedReply(due)));
    });
  });
}
