import { describe, expect, it } from 'vitest';
import { checkRetention, DEFAULT_RETENTION, retentionCutoff } from '../../src/core/retention.ts';

describe('retention', () => {
  it('defaults to 90 days and capped counts', () => {
    expect(DEFAULT_RETENTION).toEqual({ ttlDays: 90, maxEvents: 5000, maxRequests: 1000 });
  });

  it('puts the cutoff exactly ttlDays before now', () => {
    const now = Date.UTC(2026, 10, 26);
    expect(retentionCutoff(now, DEFAULT_RETENTION)).toBe(Date.UTC(2026, 7, 28));
    expect(retentionCutoff(now, { ...DEFAULT_RETENTION, ttlDays: 1 })).toBe(now - 86_400_000);
  });

  it('rejects policies outside the bounds', () => {
    expect(checkRetention({ ...DEFAULT_RETENTION, ttlDays: 30 })).toMatchObject({ ttlDays: 30 });
    expect(() => checkRetention({ ...DEFAULT_RETENTION, ttlDays: 0 })).toThrow(/ttlDays must be a whole number from 1 to 730/);
    expect(() => checkRetention({ ...DEFAULT_RETENTION, ttlDays: 1.5 })).toThrow(/ttlDays/);
    expect(() => checkRetention({ ...DEFAULT_RETENTION, maxEvents: 99 })).toThrow(/maxEvents must be a whole number from 100 to 100000/);
    expect(() => checkRetention({ ...DEFAULT_RETENTION, maxRequests: 0 })).toThrow(/maxRequests/);
  });
});
