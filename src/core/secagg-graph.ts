/**
 * The SecAgg+ communication graph (Bell et al. 2020): a Harary graph over a random ring of the
 * cohort. The participants are shuffled with a generator seeded by the round id, and each client
 * is joined to the k/2 clients either side of it on that ring; k = n − 1 is the complete graph of
 * the original SecAgg. Every client can recompute the graph from the round id and the roster, so
 * the server cannot hand out neighbour lists of its own choosing without being noticed.
 *
 * The generator (xoshiro128**, seeded by FNV-1a) is not cryptographic: the shuffle only has to be
 * independent of who drops out (secagg-parameters.ts); an honest-but-curious server does not
 * search for a round id that suits it.
 */

/** Each participant's neighbours, ascending. Symmetric: v ∈ N(u) ⇔ u ∈ N(v). */
export type SecAggGraph = ReadonlyMap<number, readonly number[]>;

function seedState(roundId: string): Uint32Array {
  const bytes = new TextEncoder().encode(roundId);
  const state = new Uint32Array(4);
  for (let lane = 0; lane < 4; lane++) {
    let h = (0x811c9dc5 ^ lane) >>> 0; // FNV-1a, one lane per word, each with its own start
    for (const byte of bytes) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
    // murmur3's finaliser, so that round ids differing in one byte give unrelated states
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    state[lane] = (h ^ (h >>> 16)) >>> 0;
  }
  if (state.every((w) => w === 0)) state[0] = 1; // xoshiro's one forbidden state
  return state;
}

function xoshiro128ss(s: Uint32Array): () => number {
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  return () => {
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  };
}

/** Fisher–Yates with unbiased draws (rejection below a multiple of the range). */
function shuffle<T>(items: T[], next: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const range = i + 1;
    const limit = 2 ** 32 - (2 ** 32 % range);
    let draw: number;
    do draw = next();
    while (draw >= limit);
    const j = draw % range;
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** The participants in ring order, after checking the cohort and the degree. */
function ring(roundId: string, participants: readonly number[], degree: number): number[] {
  const n = participants.length;
  const sorted = [...participants].sort((a, b) => a - b);
  sorted.forEach((index, i) => {
    if (!Number.isSafeInteger(index) || index < 1) throw new Error(`secagg graph: client index ${index} must be a positive integer`);
    if (i > 0 && sorted[i - 1] === index) throw new Error(`secagg graph: client ${index} appears twice`);
  });
  if (n < 3) throw new Error(`secagg graph: a cohort needs at least 3 clients, got ${n}`);
  if (degree !== n - 1 && !(Number.isInteger(degree) && degree >= 2 && degree % 2 === 0 && degree < n - 1)) {
    throw new Error(`secagg graph: degree ${degree} must be even and below ${n - 1}, or ${n - 1} (complete)`);
  }
  // Sorting first makes the graph a function of the set of participants, not of their order.
  return shuffle(sorted, xoshiro128ss(seedState(roundId)));
}

function neighboursAt(order: readonly number[], position: number, degree: number): number[] {
  const n = order.length;
  const neighbours: number[] = [];
  if (degree === n - 1) neighbours.push(...order.filter((_, i) => i !== position));
  else for (let step = 1; step <= degree / 2; step++) neighbours.push(order[(position + step) % n]!, order[(position - step + n) % n]!);
  return neighbours.sort((a, b) => a - b);
}

export function secaggGraph(roundId: string, participants: readonly number[], degree: number): SecAggGraph {
  const order = ring(roundId, participants, degree);
  return new Map(order.map((index, position) => [index, neighboursAt(order, position, degree)]));
}

/** One client's neighbours in secaggGraph(roundId, participants, degree), without building the rest. */
export function secaggNeighbours(roundId: string, participants: readonly number[], degree: number, index: number): number[] {
  const order = ring(roundId, participants, degree);
  const position = order.indexOf(index);
  if (position < 0) throw new Error(`secagg graph: client ${index} is not a participant`);
  return neighboursAt(order, position, degree);
}
