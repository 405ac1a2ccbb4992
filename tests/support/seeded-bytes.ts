/** Deterministic "random" bytes for tests: SHA-256(seed ‖ counter) blocks. Never for keys in production. */
import { createHash } from 'node:crypto';
import type { RandomBytes } from '../../src/core/shamir.ts';

export function seededBytes(seed: string): RandomBytes {
  let counter = 0;
  return (count) => {
    const out = new Uint8Array(count);
    for (let filled = 0; filled < count; filled += 32) {
      const block = createHash('sha256').update(`${seed}/${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, count - filled)), filled);
    }
    return out;
  };
}
