/**
 * mulberry32: a tiny seeded stream of uniform numbers in [0, 1), for what must come out the
 * same on every run (the demo catalogue's generator, a benchmark's cohorts). Not for secrets:
 * anything private draws from crypto.getRandomValues / node:crypto instead.
 */
export type SeededRandom = () => number;

export function mulberry32(seed: number): SeededRandom {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
