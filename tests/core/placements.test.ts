import { describe, expect, it } from 'vitest';
import { isPlacement, PLACEMENTS } from '../../src/core/placements.ts';

describe('isPlacement', () => {
  it('accepts exactly the five shelves', () => {
    expect(PLACEMENTS).toEqual(['for-you', 'similar', 'goes-well-with', 'recently-viewed', 'trending']);
    for (const placement of PLACEMENTS) expect(isPlacement(placement)).toBe(true);
  });

  it('rejects anything else, including near misses', () => {
    for (const value of ['', 'For-You', 'for you', 'for-you ', 'similar-items', 'featured', 'search', 'toString']) expect(isPlacement(value)).toBe(false);
  });
});
