/**
 * The merchant's retention attributes (data-retention-days, data-max-events) as a policy.
 * Read in the engine chunk rather than in privet.js: only the store needs them, and the
 * retention module would otherwise become a chunk of its own on the initial path.
 */
import { DEFAULT_RETENTION, RETENTION_LIMITS, type RetentionPolicy } from '../core/retention.ts';
import { warn, type WidgetConfig } from './config.ts';

export function retentionPolicy(attributes: WidgetConfig['retention']): RetentionPolicy {
  const policy = { ...DEFAULT_RETENTION };
  const bounded = (attribute: string, raw: string | undefined, key: keyof typeof RETENTION_LIMITS) => {
    if (raw === undefined) return;
    const [min, max] = RETENTION_LIMITS[key];
    const value = Number(raw);
    if (Number.isInteger(value) && value >= min && value <= max) policy[key] = value;
    else warn(`${attribute} "${raw}" must be a whole number from ${min} to ${max}; using ${policy[key]}`);
  };
  bounded('data-retention-days', attributes.days, 'ttlDays');
  bounded('data-max-events', attributes.maxEvents, 'maxEvents');
  return policy;
}
