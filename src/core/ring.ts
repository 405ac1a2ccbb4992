/**
 * Vectors in Z_{2^32}, the ring secure aggregation masks and sums fixed-point updates in.
 * A Uint32Array stores ToUint32 of what is assigned, i.e. the value mod 2^32, and a sum or
 * difference of two uint32 values is exact in a double before that reduction.
 */

function sameLength(a: Uint32Array, b: Uint32Array): void {
  if (a.length !== b.length) throw new Error(`ring: vectors of ${a.length} and ${b.length} values cannot be combined`);
}

/** target ← target + x (mod 2^32). */
export function addInto(target: Uint32Array, x: Uint32Array): void {
  sameLength(target, x);
  for (let i = 0; i < target.length; i++) target[i] = target[i]! + x[i]!;
}

/** target ← target − x (mod 2^32). */
export function subtractInto(target: Uint32Array, x: Uint32Array): void {
  sameLength(target, x);
  for (let i = 0; i < target.length; i++) target[i] = target[i]! - x[i]!;
}
