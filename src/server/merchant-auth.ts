/**
 * Merchants authenticate with an API key as a bearer token; the server keeps only each key's
 * SHA-256 (PRIVET_MERCHANT_KEYS) and compares in constant time. Every merchant-only route
 * (rounds, training jobs, model rollback) asks here.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError } from './http-error.ts';

export function bearer(request: FastifyRequest): string | undefined {
  const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
  return match?.[1];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** The merchant whose key the request carries, or a 401 HttpError. */
export function merchantOf(request: FastifyRequest, keys: ReadonlyMap<string, string>): string {
  const key = bearer(request);
  if (key) {
    const hash = sha256(key);
    for (const [merchant, expected] of keys) if (timingSafeEqual(hash, Buffer.from(expected, 'hex'))) return merchant;
  }
  throw new HttpError(401, 'a merchant API key is required (Authorization: Bearer <key>)');
}
