/**
 * Merchants authenticate with an API key as a bearer token; the server keeps only each key's
 * SHA-256 (merchants.ts: PRIVET_MERCHANTS_FILE or PRIVET_MERCHANT_KEYS) and compares in constant time. Every merchant-only route
 * (rounds, training jobs, model rollback) asks here.
 */
import type { FastifyRequest } from 'fastify';
import { HttpError } from './http-error.ts';
import { bearerToken, merchantForKey } from './merchants.ts';

export const bearer = (request: FastifyRequest): string | undefined => bearerToken(request.headers.authorization);

/** The merchant whose key the request carries, or a 401 HttpError. */
export function merchantOf(request: FastifyRequest, keys: ReadonlyMap<string, string>): string {
  const merchant = merchantForKey(keys, bearer(request));
  if (merchant !== undefined) return merchant;
  throw new HttpError(401, 'a merchant API key is required (Authorization: Bearer <key>)');
}
