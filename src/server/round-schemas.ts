/**
 * The federated round API's request and reply schemas (round-routes.ts). The masked
 * messages' bodies are the wire format's bytes (src/core/secagg-wire.ts), decoded and checked
 * by the state machine; their schema only documents them.
 */
import { FEDERATED_MODELS, SERVER_OPTIMIZERS } from '../core/round-plan.ts';
import { CLIENT_MESSAGE_KINDS } from '../core/secagg-wire.ts';
import { errorReplies, openObject } from './http-schemas.ts';

/** The longest update a round may carry; each round then checks its own exact length. */
export const MAX_ROUND_LENGTH = 1_000_000;

const roundParams = { type: 'object', required: ['roundId'], properties: { roundId: { type: 'string', minLength: 1 } } } as const;
const fraction = { type: 'number', minimum: 0, exclusiveMaximum: 1 } as const;
const tolerance = { type: 'object', required: ['dropout', 'collusion'], properties: { dropout: fraction, collusion: fraction } } as const;
const phase = { type: 'string', enum: ['advertising', 'sharing', 'masking', 'unmasking', 'finished', 'aborted'] } as const;
const merchantKey = [{ merchantKey: [] }];
const roundToken = [{ roundToken: [] }];

const plan = openObject('what the round is for and how it runs (src/core/round-plan.ts)', {
  task: { type: ['object', 'null'], properties: { catalog: { type: 'string' }, model: { type: 'string', enum: FEDERATED_MODELS }, file: { type: 'string' }, optimizer: { type: 'string', enum: SERVER_OPTIMIZERS } } },
  expectedCohort: { type: 'number' },
  maxClients: { type: 'integer' },
  fixedPointScale: { type: 'number' },
  checkInUntil: { type: 'number', description: 'epoch ms' },
});
const privacy = {
  type: 'object',
  required: ['sampleRate', 'noiseMultiplier', 'clipNorm'],
  properties: { sampleRate: { type: 'number' }, noiseMultiplier: { type: 'number' }, clipNorm: { type: 'number' } },
} as const;
const spend = { roundEpsilon: { type: 'number' }, cumulativeEpsilon: { type: 'number' }, rounds: { type: 'integer' } } as const;

export const openRoundSchema = {
  summary: 'open a round (merchant key) for a catalogue’s ranker or intent head, or a bare sum; refused past the merchant’s ε budget',
  security: merchantKey,
  body: {
    type: 'object',
    required: ['privacy'],
    properties: {
      catalog: { type: 'string', minLength: 1, description: 'the catalogue whose model the round updates (its length is that model’s federated parameters)' },
      model: { type: 'string', enum: FEDERATED_MODELS, description: 'which of the catalogue’s models: its ranker (default) or its intent head’s category layer' },
      optimizer: { type: 'string', enum: SERVER_OPTIMIZERS, description: 'the server’s step with the noisy mean: FedAdam (default) or FedAvg (x ← x + mean)' },
      length: { type: 'integer', minimum: 1, maximum: MAX_ROUND_LENGTH, description: 'values per update, for a bare sum' },
      privacy,
      expectedCohort: { type: 'number', minimum: 1, description: 'q·N, the noisy sum’s denominator (default maxClients)' },
      maxClients: { type: 'integer', minimum: 3, maximum: 100000, description: 'check-ins past this are refused (default 1000)' },
      checkInSeconds: { type: 'integer', minimum: 1, maximum: 86400, description: 'default 60' },
      tolerance: { ...tolerance, description: 'dropout and collusion fractions (default 0.3 and 0.05)' },
    },
  },
  response: {
    201: openObject('the round is open', {
      roundId: { type: 'string' },
      length: { type: 'integer' },
      privacy: openObject('this round’s ε and the merchant’s cumulative ε at δ', { ...spend, delta: { type: 'number' }, budget: { type: 'number' } }),
      plan,
    }),
    ...errorReplies(400, 401, 403, 413, 429),
  },
} as const;

export const listRoundsSchema = {
  summary: 'the merchant’s rounds, newest first: check-ins, survivors, ε and what each published',
  security: merchantKey,
  querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } } },
  response: { 200: openObject('the rounds', { rounds: { type: 'array', items: { type: 'object', additionalProperties: true } } }), ...errorReplies(400, 401, 429) },
} as const;

export const privacySchema = {
  summary: 'the merchant’s ε budget and what its rounds have spent (the same ledger that admits the next round)',
  security: merchantKey,
  response: {
    200: openObject('budget and spend', {
      budget: openObject('(ε, δ) over all rounds', { epsilon: { type: 'number' }, delta: { type: 'number' } }),
      spent: openObject('ε of the rounds that were not aborted', { epsilon: { type: 'number' }, rounds: { type: 'integer' } }),
    }),
    ...errorReplies(401, 429),
  },
} as const;

export const joinableRoundSchema = {
  summary: 'the round a browser of this merchant may join now, with what it needs to decide; 204 none',
  querystring: { type: 'object', required: ['merchant'], properties: { merchant: { type: 'string', minLength: 1 } } },
  response: {
    200: openObject('the round', {
      roundId: { type: 'string' }, merchant: { type: 'string' }, modelVersion: { type: 'string' }, catalog: { type: 'string' },
      model: { type: 'string', enum: FEDERATED_MODELS }, file: { type: 'string', description: 'the manifest file the update is relative to' },
      length: { type: 'integer' }, tolerance, privacy, fixedPoint: openObject('fixed-point encoding', { scale: { type: 'number' } }),
      expectedCohort: { type: 'number' }, checkInUntil: { type: 'number' },
    }),
    204: { description: 'no round takes check-ins now', type: 'null' },
    ...errorReplies(400),
  },
} as const;

export const advanceRoundSchema = {
  summary: 'end the current phase (its merchant only)',
  security: merchantKey,
  params: roundParams,
  response: {
    200: openObject('the phase now', { phase, abortReason: { type: 'string' }, survivors: { type: 'integer' } }, ['phase', 'abortReason']),
    ...errorReplies(401, 404, 409, 429),
  },
} as const;

export const roundSchema = {
  summary: 'an open round’s parameters',
  params: roundParams,
  response: { 200: openObject('the round', { roundId: { type: 'string' }, phase, length: { type: 'integer' }, tolerance }), ...errorReplies(403, 404) },
} as const;

export const checkInSchema = {
  summary: 'join a round while keys are advertised: an index and the bearer token for its messages',
  params: roundParams,
  response: { 201: openObject('checked in', { index: { type: 'integer', minimum: 1 }, token: { type: 'string' } }), ...errorReplies(403, 404, 409, 429) },
} as const;

export const messageSchema = {
  summary: `upload a SecAgg+ message (${CLIENT_MESSAGE_KINDS.join(', ')}) as the wire format's JSON`,
  security: roundToken,
  params: { type: 'object', required: ['roundId', 'kind'], properties: { roundId: roundParams.properties.roundId, kind: { type: 'string', description: CLIENT_MESSAGE_KINDS.join(' | ') } } },
  body: { type: 'object', description: 'src/core/secagg-wire.ts: byte strings in base64, ring vectors as base64 of little-endian uint32' },
  response: { 202: { description: 'accepted and logged', type: 'null' }, ...errorReplies(400, 401, 403, 404, 409, 413, 415, 429) },
} as const;

export const replySchema = {
  summary: 'what the client’s last closed phase left for it (X-Privet-Reply names the kind); 204 nothing yet',
  security: roundToken,
  params: { type: 'object', required: ['roundId', 'index'], properties: { roundId: roundParams.properties.roundId, index: { type: 'integer', minimum: 1 } } },
  response: {
    200: { description: 'the reply as the wire format encodes it', type: 'object', additionalProperties: true },
    204: { description: 'nothing due yet', type: 'null' },
    ...errorReplies(401, 403, 404),
  },
} as const;
