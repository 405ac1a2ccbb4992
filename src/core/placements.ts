/** The shelves a merchant can place on a page: `<privet-recs placement="…">`. */
export const PLACEMENTS = ['for-you', 'similar', 'goes-well-with', 'recently-viewed', 'trending'] as const;
export type Placement = (typeof PLACEMENTS)[number];

export function isPlacement(value: string): value is Placement {
  return (PLACEMENTS as readonly string[]).includes(value);
}
