import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { DEFAULT_LIMIT, readShelfAttributes } from '../../src/widget/elements/shelf-attributes.ts';

describe('readShelfAttributes', () => {
  let warn: MockInstance<typeof console.warn>;
  beforeEach(() => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => {
    warn.mockRestore();
  });
  const warnings = () => warn.mock.calls.map((args) => String(args[0]));

  it('passes valid attributes through without a warning', () => {
    expect(readShelfAttributes('similar', 'p-1', '12')).toEqual({ placement: 'similar', itemIds: ['p-1'], limit: 12 });
    expect(readShelfAttributes('trending', undefined, undefined)).toEqual({ placement: 'trending', itemIds: [], limit: DEFAULT_LIMIT });
    expect(readShelfAttributes('goes-well-with', 'a b', '1')).toEqual({ placement: 'goes-well-with', itemIds: ['a', 'b'], limit: 1 });
    expect(readShelfAttributes('recently-viewed', '', '24')).toEqual({ placement: 'recently-viewed', itemIds: [], limit: 24 });
    expect(warn).not.toHaveBeenCalled();
  });

  it('shows for-you with one warning naming the attribute for an unknown or missing placement', () => {
    expect(readShelfAttributes('simliar', 'p-1', undefined)).toEqual({ placement: 'for-you', itemIds: ['p-1'], limit: DEFAULT_LIMIT });
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatch(/^privet: <privet-recs placement="simliar"> is not one of for-you, similar, goes-well-with, recently-viewed, trending; showing for-you$/);
    warn.mockClear();
    expect(readShelfAttributes(undefined, undefined, undefined).placement).toBe('for-you');
    expect(readShelfAttributes('', undefined, undefined).placement).toBe('for-you');
    expect(warnings()).toEqual(['privet: <privet-recs> has no placement attribute; showing for-you', 'privet: <privet-recs> has no placement attribute; showing for-you']);
  });

  it('shows for-you with a warning when similar or goes-well-with has no item-id', () => {
    for (const placement of ['similar', 'goes-well-with']) {
      warn.mockClear();
      for (const itemId of [undefined, '', ' , ']) expect(readShelfAttributes(placement, itemId, undefined)).toEqual({ placement: 'for-you', itemIds: [], limit: DEFAULT_LIMIT });
      expect(warnings()).toEqual(Array(3).fill(`privet: <privet-recs placement="${placement}"> needs an item-id attribute; showing for-you`));
    }
  });

  it('splits item-id lists on spaces and commas', () => {
    expect(readShelfAttributes('goes-well-with', 'a,b c ,  d,,e\n f', undefined).itemIds).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(readShelfAttributes('similar', ' p-1 ', undefined).itemIds).toEqual(['p-1']);
    expect(warn).not.toHaveBeenCalled();
  });

  it('uses the default limit with a warning for anything but a whole number from 1 to 24', () => {
    for (const limit of ['abc', '0', '25', '2.5', '-3']) {
      warn.mockClear();
      expect(readShelfAttributes('trending', undefined, limit).limit).toBe(DEFAULT_LIMIT);
      expect(warnings()).toEqual([`privet: <privet-recs limit="${limit}"> must be a whole number from 1 to 24; using 8`]);
    }
    expect(DEFAULT_LIMIT).toBe(8);
    warn.mockClear();
    expect(readShelfAttributes('trending', undefined, '12').limit).toBe(12);
    expect(readShelfAttributes('trending', undefined, '').limit).toBe(DEFAULT_LIMIT);
    expect(warn).not.toHaveBeenCalled();
  });
});
