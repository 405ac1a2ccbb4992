import { describe, expect, it } from 'vitest';
import { checkRateLimit, RateLimiter } from '../../src/core/token-bucket.ts';

const limit = { perMinute: 60, burst: 3 };

describe('RateLimiter', () => {
  it('allows a burst, then one request per refill interval, and says when to retry', () => {
    const limiter = new RateLimiter();
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) expect(limiter.take('a', limit, t0)).toEqual({ allowed: true });
    expect(limiter.take('a', limit, t0)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    // 60 a minute: one token a second.
    expect(limiter.take('a', limit, t0 + 500)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('a', limit, t0 + 1000)).toEqual({ allowed: true });
    expect(limiter.take('a', limit, t0 + 1000).allowed).toBe(false);
  });

  it('rounds the wait up to whole seconds for slow limits', () => {
    const limiter = new RateLimiter();
    const slow = { perMinute: 2, burst: 1 };
    expect(limiter.take('k', slow, 0).allowed).toBe(true);
    expect(limiter.take('k', slow, 0)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(limiter.take('k', slow, 10_000)).toEqual({ allowed: false, retryAfterSeconds: 20 });
    expect(limiter.take('k', slow, 30_000).allowed).toBe(true);
  });

  it('keeps one bucket per key', () => {
    const limiter = new RateLimiter();
    const one = { perMinute: 1, burst: 1 };
    expect(limiter.take('a', one, 0).allowed).toBe(true);
    expect(limiter.take('a', one, 0).allowed).toBe(false);
    expect(limiter.take('b', one, 0).allowed).toBe(true);
  });

  it('never holds more than the burst however long a key was quiet, nor drains when the clock steps back', () => {
    const limiter = new RateLimiter();
    limiter.take('a', limit, 0);
    const granted = Array.from({ length: 5 }, () => limiter.take('a', limit, 3_600_000).allowed).filter(Boolean).length;
    expect(granted).toBe(3);
    const back = new RateLimiter();
    back.take('b', limit, 10_000);
    expect(back.take('b', limit, 5_000).allowed).toBe(true);
  });

  it('forgets refilled buckets once it holds many keys', () => {
    const limiter = new RateLimiter(4);
    for (let i = 0; i < 4; i++) limiter.take(`k${i}`, limit, 0);
    expect(limiter.size).toBe(4);
    // Three seconds later every bucket is full again: adding a fifth key sweeps them.
    limiter.take('fresh', limit, 3_000);
    expect(limiter.size).toBe(1);
    // A bucket still short of tokens is kept.
    limiter.take('fresh', limit, 3_000);
    for (let i = 0; i < 3; i++) limiter.take(`n${i}`, limit, 3_000);
    limiter.take('last', limit, 3_100);
    expect(limiter.size).toBeGreaterThanOrEqual(2);
  });
});

describe('checkRateLimit', () => {
  it('accepts positive limits and names the bad field otherwise', () => {
    expect(checkRateLimit({ perMinute: 10, burst: 2 }, 'x')).toEqual({ perMinute: 10, burst: 2 });
    expect(() => checkRateLimit({ perMinute: 0, burst: 2 }, 'limits.checkIn')).toThrow('limits.checkIn.perMinute must be a positive number, got 0');
    expect(() => checkRateLimit({ perMinute: 5, burst: 0.5 }, 'y')).toThrow('y.burst must be at least 1, got 0.5');
    expect(() => checkRateLimit({ perMinute: 5 } as never, 'z')).toThrow('z.burst must be a positive number, got undefined');
  });
});
