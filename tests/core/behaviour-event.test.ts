import { describe, expect, it } from 'vitest';
import { readEvent } from '../../src/core/behaviour-event.ts';

describe('readEvent', () => {
  it('accepts every event type the widget writes', () => {
    const events = [
      { type: 'view', at: 1, itemId: 'a' },
      { type: 'impression', at: 2, itemIds: ['a', 'b'], placement: 'similar' },
      { type: 'search', at: 3, query: 'mug', itemId: 'a', placement: 'search' },
      { type: 'search', at: 3, query: 'mug', embedding: [0.6, -0.8], placement: 'search' },
      { type: 'click', at: 3, itemId: 'a', category: ['Kitchen', 'Mugs'], placement: 'search' },
      { type: 'dismiss', at: 4, itemId: 'b' },
    ];
    for (const event of events) expect(readEvent(event)).toEqual(event);
  });

  it('rejects records of unknown shape instead of trusting them', () => {
    for (const bad of [null, 'view', 42, {}, { type: 'teleport', at: 1 }, { type: 'view' }, { type: 'view', at: 'yesterday' }, { type: 'view', at: Number.NaN },
      { type: 'view', at: 1, itemId: 7 }, { type: 'impression', at: 1, itemIds: 'a b' }, { type: 'impression', at: 1, itemIds: ['a', 2] }, { type: 'search', at: 1, query: ['x'] },
      { type: 'search', at: 1, query: 'x', embedding: [0.1, Number.NaN] }, { type: 'search', at: 1, query: 'x', embedding: new Float32Array(2) },
      { type: 'click', at: 1, itemId: 'a', category: 'Kitchen' }, { type: 'click', at: 1, itemId: 'a', category: ['Kitchen', 3] }]) {
      expect(readEvent(bad)).toBeNull();
    }
  });
});
