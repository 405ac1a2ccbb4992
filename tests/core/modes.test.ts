import { describe, expect, it } from 'vitest';
import { isMode, MODES } from '../../src/core/modes.ts';

describe('isMode', () => {
  it('accepts the three privacy modes, strictest first', () => {
    expect(MODES).toEqual(['off', 'local', 'contribute']);
    for (const mode of MODES) expect(isMode(mode)).toBe(true);
  });

  it('rejects anything else, including near misses', () => {
    for (const value of ['', 'Off', 'LOCAL', 'on', 'none', 'contributing', ' local', 'constructor']) expect(isMode(value)).toBe(false);
  });
});
