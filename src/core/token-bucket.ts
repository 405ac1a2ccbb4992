/**
 * Token-bucket rate limiting, pure: the caller passes the time (ms), so tests drive a clock
 * by hand and the server passes Date.now(). A bucket holds at most `burst` tokens and gains
 * `perMinute` tokens a minute; each request takes one. A keyed limiter keeps one bucket per
 * key (a client address, a round token, a merchant) and forgets buckets that have refilled,
 * since a full bucket is the same as no bucket: memory stays bounded by the active keys.
 */

export interface RateLimit {
  /** Sustained requests a minute. */
  perMinute: number;
  /** Requests allowed at once after a quiet spell (the bucket's size). */
  burst: number;
}

export type Admission = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export function checkRateLimit(limit: RateLimit, what: string): RateLimit {
  for (const key of ['perMinute', 'burst'] as const) {
    const value = limit[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`${what}.${key} must be a positive number, got ${JSON.stringify(value)}`);
  }
  if (limit.burst < 1) throw new Error(`${what}.burst must be at least 1, got ${limit.burst}`);
  return { perMinute: limit.perMinute, burst: limit.burst };
}

function refilled(bucket: Bucket, limit: RateLimit, now: number): number {
  // A clock that steps back (NTP) must not drain the bucket.
  const elapsed = Math.max(0, now - bucket.at);
  return Math.min(limit.burst, bucket.tokens + (elapsed * limit.perMinute) / 60_000);
}

export class RateLimiter {
  readonly #buckets = new Map<string, { bucket: Bucket; limit: RateLimit }>();
  readonly #sweepAbove: number;

  /** `sweepAbove`: past this many keys, buckets that have refilled are dropped before adding one. */
  constructor(sweepAbove = 10_000) {
    this.#sweepAbove = sweepAbove;
  }

  /** Takes a token from `key`'s bucket if it has one; otherwise says when the next one comes. */
  take(key: string, limit: RateLimit, now: number): Admission {
    let entry = this.#buckets.get(key);
    if (!entry) {
      if (this.#buckets.size >= this.#sweepAbove) this.#sweep(now);
      entry = { bucket: { tokens: limit.burst, at: now }, limit };
      this.#buckets.set(key, entry);
    }
    const tokens = refilled(entry.bucket, limit, now);
    entry.limit = limit;
    if (tokens >= 1) {
      entry.bucket = { tokens: tokens - 1, at: now };
      return { allowed: true };
    }
    entry.bucket = { tokens, at: now };
    const wait = ((1 - tokens) * 60_000) / limit.perMinute;
    // Less a hair, so float dust (20000.000000000004 ms) does not add a whole second.
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000 - 1e-9)) };
  }

  /** How many keys hold a bucket (refilled ones may linger until the next sweep). */
  get size(): number {
    return this.#buckets.size;
  }

  #sweep(now: number): void {
    for (const [key, { bucket, limit }] of this.#buckets) if (refilled(bucket, limit, now) >= limit.burst) this.#buckets.delete(key);
  }
}
