/**
 * `<privet-recs>`'s attributes, checked: a merchant's typo gets one console warning naming
 * the attribute and the default used, never an exception or an empty hole in the page.
 */
import { isPlacement, PLACEMENTS, type Placement } from '../../core/placements.ts';
import { warn } from '../config.ts';

export const DEFAULT_LIMIT = 8;
const MAX_LIMIT = 24;

export interface ShelfSettings {
  placement: Placement;
  itemIds: string[];
  limit: number;
}

export function readShelfAttributes(placement: string | undefined, itemId: string | undefined, limit: string | undefined): ShelfSettings {
  let chosen: Placement = 'for-you';
  if (placement !== undefined && placement !== '') {
    if (isPlacement(placement)) chosen = placement;
    else warn(`<privet-recs placement="${placement}"> is not one of ${PLACEMENTS.join(', ')}; showing for-you`);
  } else warn('<privet-recs> has no placement attribute; showing for-you');

  const itemIds = (itemId ?? '').split(/[\s,]+/).filter(Boolean);
  if ((chosen === 'similar' || chosen === 'goes-well-with') && itemIds.length === 0) {
    warn(`<privet-recs placement="${chosen}"> needs an item-id attribute; showing for-you`);
    chosen = 'for-you';
  }

  return { placement: chosen, itemIds, limit: readLimit('privet-recs', limit) };
}

/** An element's `limit` attribute: a whole number of cards from 1 to MAX_LIMIT, else the default with a warning. */
export function readLimit(element: string, limit: string | undefined): number {
  if (limit === undefined || limit === '') return DEFAULT_LIMIT;
  // Digits only: Number() would also take "0x10" and "1e1".
  const n = /^\s*\d+\s*$/.test(limit) ? Number(limit) : NaN;
  if (n >= 1 && n <= MAX_LIMIT) return n;
  warn(`<${element} limit="${limit}"> must be a whole number from 1 to ${MAX_LIMIT}; using ${DEFAULT_LIMIT}`);
  return DEFAULT_LIMIT;
}
