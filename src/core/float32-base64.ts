/**
 * Model weights travel in JSON as base64 of little-endian float32 (trainer: numpy
 * `astype("<f4").tobytes()`), a quarter the size of decimal text and exact.
 */
export function decodeFloat32(base64: string, expected: number, what: string): Float32Array {
  const binary = atob(base64);
  if (binary.length !== expected * 4) throw new Error(`${what} has ${binary.length / 4} values, expected ${expected}`);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  return Float32Array.from({ length: expected }, (_, i) => view.getFloat32(i * 4, true));
}

/** The inverse of decodeFloat32: values rounded to float32, little-endian, base64. */
export function encodeFloat32(values: ArrayLike<number>): string {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  const bytes = new Uint8Array(view.buffer);
  let binary = '';
  // In slices: String.fromCharCode over a whole 100 KB array would overflow the argument stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
