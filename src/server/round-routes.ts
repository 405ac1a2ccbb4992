/**
 * The federated round API over HTTP, thin over RoundCoordinator: merchants open and advance
 * rounds with their API key; browsers check in, upload their SecAgg+ messages as the wire
 * format's bytes (src/core/secagg-wire.ts) and fetch what each closed phase left for them.
 *
 *   POST /v1/rounds                          merchant key   {catalog, model?, optimizer? | length, privacy, expectedCohort?, maxClients?,
 *                                                           checkInSeconds?, tolerance?} → 201 {roundId, privacy spend, plan}
 *   GET  /v1/rounds?limit=N                  merchant key   → {rounds: [...]} its rounds, newest first, with ε and what each published
 *   GET  /v1/privacy                         merchant key   → {budget: {epsilon, delta}, spent: {epsilon, rounds}} its ε now
 *   GET  /v1/rounds/open?merchant=M          anyone         → 200 the round a browser of M may join (its plan), 204 none
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
import { ledgerEpsilon } from '../core/dp-accountant.ts';
import { checkRoundPlan, FEDERATED_MODELS, fixedPointScaleFor, readTask, SERVER_OPTIMIZERS, type FederatedModel, type RoundPlan, type RoundTask, type ServerOptimizer } from '../core/round-plan.ts';
import type { SecAggTolerance } from '../core/secagg-parameters.ts';
import { CLIENT_MESSAGE_KINDS, encodeTaggedReply, type ClientMessageKind } from '../core/secagg-wire.ts';
import { clientErrorMessage, HttpError } from './http-error.ts';
import { bearer, merchantOf } from './merchant-auth.ts';
import { checkRoundPrivacy, PrivacyBudgetError, type PrivacyBudget, type RoundPrivacy } from './privacy-budget.ts';
import { RoundCoordinator, UnauthenticatedError, type OpenRound } from './round-coordinator.ts';
import { logRoundAdvanced, logRoundOpened } from './round-events.ts';
import { advanceRoundSchema, checkInSchema, listRoundsSchema, MAX_ROUND_LENGTH, messageSchema, openRoundSchema, joinableRoundSchema, privacySchema, replySchema, roundSchema } from './round-schemas.ts';

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
  /** The file of the catalogue's current `model` (ranker or intent head) and its federated length; null when it has none. */
  modelOf: (catalog: string, model: FederatedModel) => { file: string; length: number } | null;
  /** Every merchant's (ε, δ) budget over all its rounds. */
  privacyBudget: PrivacyBudget;
  /** What completed rounds of a merchant published (the federated ranker's record), by round id. */
  published?: (merchant: string) => ReadonlyMap<string, { file: string | null; skipped: string | null }>;
  /** Called after a round completes (noise, server step, publish): the scheduler calls it too. */
  onRoundCompleted?: () => Promise<unknown>;
  /** The clock of round plans and check-in deadlines (Date.now by default; the coordinator's in tests). */
  now?: () => number;
  /** Id for a new round (a random UUID by default). */
  newRoundId?: () => string;
}

// A masked input is 4 bytes a value in base64 (×4/3) plus a little JSON.
const MESSAGE_BODY_LIMIT = Math.ceil((MAX_ROUND_LENGTH * 4 * 4) / 3) + 4096;
const DEFAULT_TOLERANCE: SecAggTolerance = { dropout: 0.3, collusion: 0.05 };
const DEFAULT_MAX_CLIENTS = 1000;
const DEFAULT_CHECK_IN_SECONDS = 60;

function statusOf(error: Error): number {
  if (error instanceof HttpError) return error.status;
  if (error instanceof UnauthenticatedError) return 401;
  if (error instanceof PrivacyBudgetError) return 403;
  if (/^secagg: no open round/.test(error.message)) return 404;
  if (/^secagg wire:/.test(error.message)) return 400;
  return 409;
}

interface OpenRequest {
  length: number;
  tolerance: SecAggTolerance;
  privacy: RoundPrivacy;
  plan: RoundPlan;
}

function wholeNumber(value: unknown, what: string, min: number, max: number): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) throw new HttpError(400, `${what} must be a whole number from ${min} to ${max}`);
  return value as number;
}

const OPEN_SHAPE = '{"catalog": <name>, "model"?: "ranker" | "intent", "optimizer"?: "fedadam" | "fedavg" or "length": <values per update>, "privacy": {"sampleRate", "noiseMultiplier", "clipNorm"}, "expectedCohort"?, "maxClients"?, "checkInSeconds"?, "tolerance"?: {"dropout", "collusion"}}';

function parseOpen(value: unknown, modelOf: FederationOptions['modelOf'], now: number): OpenRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, `a round is opened with a JSON object: ${OPEN_SHAPE}`);
  const parsed = value as Record<string, unknown>;
  let task: RoundTask | null = null;
  let length: number;
  if (parsed.catalog !== undefined) {
    if (typeof parsed.catalog !== 'string') throw new HttpError(400, 'catalog must be a catalogue name');
    const model = parsed.model ?? 'ranker';
    if (!(FEDERATED_MODELS as readonly unknown[]).includes(model)) throw new HttpError(400, `model must be ${FEDERATED_MODELS.map((m) => `"${m}"`).join(' or ')}`);
    const current = modelOf(parsed.catalog, model as FederatedModel);
    const what = model === 'intent' ? 'intent head' : 'ranker';
    if (!current) throw new HttpError(400, `catalogue "${parsed.catalog}" has no ${what} to update in the current model`);
    if (parsed.length !== undefined && parsed.length !== current.length) throw new HttpError(400, `length ${String(parsed.length)} is not the length of catalogue "${parsed.catalog}"'s ${what} federated parameters (${current.length})`);
    const optimizer = parsed.optimizer ?? 'fedadam';
    if (!(SERVER_OPTIMIZERS as readonly unknown[]).includes(optimizer)) throw new HttpError(400, `optimizer must be ${SERVER_OPTIMIZERS.map((o) => `"${o}"`).join(' or ')}`);
    task = { catalog: parsed.catalog, model: model as FederatedModel, file: current.file, optimizer: optimizer as ServerOptimizer };
    length = current.length;
  } else {
    // A bare sum trains nothing: a model named without its catalogue is a mistake, not a sum that spends ε.
    if (parsed.model !== undefined || parsed.optimizer !== undefined) throw new HttpError(400, 'model and optimizer need the catalogue whose model the round trains: give "catalog" too');
    length = wholeNumber(parsed.length, 'length', 1, MAX_ROUND_LENGTH);
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
  const maxClients = wholeNumber(parsed.maxClients ?? DEFAULT_MAX_CLIENTS, 'maxClients', 3, 100_000);
  const checkInSeconds = wholeNumber(parsed.checkInSeconds ?? DEFAULT_CHECK_IN_SECONDS, 'checkInSeconds', 1, 86_400);
  const expectedCohort = parsed.expectedCohort ?? maxClients;
  if (typeof expectedCohort !== 'number' || !(expectedCohort >= 1 && expectedCohort <= maxClients)) throw new HttpError(400, `expectedCohort (q·N, the noisy sum's denominator) must be a number from 1 to maxClients (${maxClients})`);
  let plan: RoundPlan;
  try {
    plan = checkRoundPlan({ task, expectedCohort, maxClients, fixedPointScale: fixedPointScaleFor(maxClients, privacy.clipNorm), checkInUntil: now + checkInSeconds * 1000 }, privacy.clipNorm, length);
  } catch (error) {
    throw new HttpError(400, (error as Error).message);
  }
  return { length, tolerance: { dropout: tolerance.dropout, collusion: tolerance.collusion }, privacy, plan };
}

/**
 * Opens a round for `merchant` as `request` (the POST /v1/rounds body) describes it: checked,
 * planned, and within the merchant's ε budget. The round scheduler opens its rounds here too.
 */
export async function openRound(options: FederationOptions, merchant: string, request: unknown, roundId: string) {
  const { length, tolerance, privacy, plan } = parseOpen(request, options.modelOf, (options.now ?? Date.now)());
  const spend = await options.coordinator.open(merchant, options.modelVersion(), { roundId, length, tolerance }, privacy, options.privacyBudget, plan);
  return { roundId, length, privacy: { ...spend, delta: options.privacyBudget.delta, budget: options.privacyBudget.epsilon }, plan };
}

export async function registerRoundRoutes(app: FastifyInstance, options: FederationOptions): Promise<void> {
  const { coordinator, merchantKeys } = options;
  const newRoundId = options.newRoundId ?? (() => crypto.randomUUID());
  await app.register(async (scope) => {
    // Uploads are logged as the exact bytes the client sent: keep their bodies raw.
    scope.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: MESSAGE_BODY_LIMIT }, (request, body, done) => {
      if (request.routeOptions.config.rawBody) return done(null, body);
      // A bodyless POST (advance) may still say application/json.
      if ((body as Buffer).length === 0) return done(null, undefined);
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
      const opened = await openRound(options, merchant, request.body, newRoundId());
      logRoundOpened(request.log, { roundId: opened.roundId, merchant, length: opened.length, ...opened.privacy });
      return reply.code(201).send(opened);
    });

    scope.get<{ Querystring: { limit?: number } }>('/v1/rounds', { schema: listRoundsSchema, config: { cors: 'off', rateLimit: 'merchant' }, onRequest: requireMerchant }, async (request) => {
      const merchant = merchantOf(request, merchantKeys);
      const limit = request.query.limit ?? 100;
      const published = options.published?.(merchant);
      const rounds = await coordinator.history(merchant, limit);
      return { rounds: rounds.map((r) => ({ ...r, published: published?.get(r.roundId) ?? null })) };
    });

    // The dashboard's budget line and ε now: the same ledger that admits or refuses the next round.
    scope.get('/v1/privacy', { schema: privacySchema, config: { cors: 'off', rateLimit: 'merchant' }, onRequest: requireMerchant }, async (request, reply) => {
      const merchant = merchantOf(request, merchantKeys);
      const { epsilon, delta } = options.privacyBudget;
      const ledger = await coordinator.ledger(merchant, delta);
      reply.header('Cache-Control', 'no-store');
      return { budget: { epsilon, delta }, spent: { epsilon: ledgerEpsilon(ledger), rounds: ledger.rounds } };
    });

    // Registered before /v1/rounds/:roundId: "open" is not a round id.
    scope.get<{ Querystring: { merchant?: string } }>('/v1/rounds/open', { schema: joinableRoundSchema }, async (request, reply) => {
      const { merchant } = request.query;
      if (!merchant) throw new HttpError(400, 'name the merchant: /v1/rounds/open?merchant=<data-merchant>');
      const round = joinableRound(coordinator.openRounds(), merchant, (options.now ?? Date.now)());
      if (!round) return reply.code(204).header('Cache-Control', 'no-store').send();
      return reply.header('Cache-Control', 'no-store').send(round);
    });

    scope.post<{ Params: { roundId: string } }>('/v1/rounds/:roundId/advance', { schema: advanceRoundSchema, config: { cors: 'off', rateLimit: 'merchant' } }, async (request) => {
      const summary = await coordinator.advance(request.params.roundId, merchantOf(request, merchantKeys));
      logRoundAdvanced(request.log, summary);
      if (summary.phase === 'finished') await options.onRoundCompleted?.();
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

/** What a browser needs to decide whether and how to take part: the first round of `merchant` still taking check-ins. */
export function joinableRound(rounds: readonly OpenRound[], merchant: string, now: number) {
  const round = rounds.find((r) => r.merchant === merchant && r.phase === 'advertising' && readTask(r.plan) && r.privacy
    && now <= r.plan!.checkInUntil && r.checkedIn < r.plan!.maxClients);
  const task = readTask(round?.plan);
  if (!round?.plan || !task || !round.privacy) return null;
  const { plan, privacy } = round;
  return {
    roundId: round.id, merchant, modelVersion: round.modelVersion, catalog: task.catalog, model: task.model, file: task.file,
    length: round.config.length, tolerance: round.config.tolerance, privacy,
    fixedPoint: { scale: plan.fixedPointScale }, expectedCohort: plan.expectedCohort, checkInUntil: plan.checkInUntil,
  };
}
