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
