/**
 * Per-route rate limits (token buckets, src/core/token-bucket.ts), checked before a request's
 * body is read. A route names its limit in its config, and the limit's numbers come from the
 * merchant concerned (merchants.ts):
 *
 *   rateLimit: 'merchant'  per merchant API key (an unknown key: per client address, so guessing keys is slow too)
 *   rateLimit: 'checkIn'   per client address, with the limits of the merchant whose round it is
 *   rateLimit: 'upload'    per round token (what each checked-in client holds), likewise
 *
 * Over the limit: 429 with Retry-After (whole seconds) and a JSON {error}. Buckets live in
 * memory: a restart forgets them, which only ever lets a client through sooner.
 */
import type { FastifyInstance } from 'fastify';
import { RateLimiter } from '../core/token-bucket.ts';
import { bearerToken, DEFAULT_LIMITS, type LimitKind, type MerchantDirectory } from './merchants.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimit?: LimitKind;
  }
}

export interface RateLimitOptions {
  merchants: MerchantDirectory;
  /** The merchant that opened a round, if it is open. */
  roundMerchant: (roundId: string) => string | undefined;
  /** Milliseconds; injectable for tests. */
  now?: () => number;
}

const WHAT: Record<LimitKind, string> = { merchant: 'merchant API requests', checkIn: 'check-ins from this address', upload: 'uploads with this round token' };

export function registerRateLimits(app: FastifyInstance, options: RateLimitOptions): void {
  const { merchants, roundMerchant } = options;
  const now = options.now ?? Date.now;
  const limiter = new RateLimiter();

  app.addHook('onRequest', async (request, reply) => {
    const kind = request.routeOptions.config.rateLimit;
    if (!kind) return;
    let key: string;
    let merchant;
    if (kind === 'merchant') {
      merchant = merchants.byKey(bearerToken(request.headers.authorization));
      key = merchant ? `merchant ${merchant.id}` : `merchant-guess ${request.ip}`;
    } else {
      const { roundId } = request.params as { roundId?: string };
      const owner = roundId === undefined ? undefined : roundMerchant(roundId);
      merchant = owner === undefined ? undefined : merchants.get(owner);
      if (kind === 'checkIn') key = `check-in ${owner ?? ''} ${request.ip}`;
      else {
        const token = bearerToken(request.headers.authorization);
        // No token: the route refuses it (401) without doing any work.
        if (!token) return;
        key = `upload ${token}`;
      }
    }
    const admission = limiter.take(key, (merchant?.limits ?? DEFAULT_LIMITS)[kind], now());
    if (admission.allowed) return;
    return reply
      .code(429)
      .header('Retry-After', String(admission.retryAfterSeconds))
      .send({ error: `too many ${WHAT[kind]}: retry in ${admission.retryAfterSeconds} s` });
  });
}
