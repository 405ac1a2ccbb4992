/**
 * How long the widget keeps a shopper's records (DESIGN.md, privacy modes: retention with a
 * default of 90 days and a capped count). The merchant may shorten or lengthen the time
 * within bounds; the caps keep a long-lived browser from growing without end.
 */
export interface RetentionPolicy {
  /** Records older than this many days are deleted. */
  ttlDays: number;
  /** At most this many events are kept; the oldest go first. */
  maxEvents: number;
  /** At most this many entries of the network log are kept; the oldest go first. */
  maxRequests: number;
}

export const DEFAULT_RETENTION: Readonly<RetentionPolicy> = Object.freeze({ ttlDays: 90, maxEvents: 5_000, maxRequests: 1_000 });
export const RETENTION_LIMITS = Object.freeze({ ttlDays: [1, 730], maxEvents: [100, 100_000] } as const);

const DAY_MS = 86_400_000;

/** Records stamped before this time have expired. */
export function retentionCutoff(now: number, policy: RetentionPolicy): number {
  return now - policy.ttlDays * DAY_MS;
}

export function checkRetention(policy: RetentionPolicy): RetentionPolicy {
  for (const key of ['ttlDays', 'maxEvents'] as const) {
    const [min, max] = RETENTION_LIMITS[key];
    const value = policy[key];
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`retention: ${key} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  if (!Number.isInteger(policy.maxRequests) || policy.maxRequests < 1) throw new Error(`retention: maxRequests must be a whole number ≥ 1, got ${policy.maxRequests}`);
  return policy;
}
