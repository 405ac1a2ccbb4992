import { describe, expect, it } from 'vitest';
import { addInto, subtractInto } from '../../src/core/ring.ts';

describe('Z_{2^32} vectors', () => {
  it('add and subtract modulo 2^32, wrapping both ways', () => {
    const x = Uint32Array.of(0xffff_ffff, 0, 7, 0x8000_0000);
    addInto(x, Uint32Array.of(2, 0xffff_ffff, 1, 0x8000_0000));
    expect(Array.from(x)).toEqual([1, 0xffff_ffff, 8, 0]);
    subtractInto(x, Uint32Array.of(2, 0xffff_ffff, 9, 1));
    expect(Array.from(x)).toEqual([0xffff_ffff, 0, 0xffff_ffff, 0xffff_ffff]);
  });

  it('undo each other exactly', () => {
    const x = Uint32Array.from({ length: 1000 }, (_, i) => (i * 2_654_435_761) >>> 0);
    const mask = Uint32Array.from({ length: 1000 }, (_, i) => (i * 40_503 + 0x9e37_79b9) >>> 0);
    const y = x.slice();
    addInto(y, mask);
    expect(y).not.toEqual(x);
    subtractInto(y, mask);
    expect(y).toEqual(x);
  });

  it('refuses vectors of different lengths', () => {
    expect(() => addInto(new Uint32Array(3), new Uint32Array(2))).toThrow('ring: vectors of 3 and 2 values cannot be combined');
  });
});
