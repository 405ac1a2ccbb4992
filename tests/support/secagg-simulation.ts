/**
 * One SecAgg+ round in process: real clients (WebCrypto) and the real server (node:crypto),
 * messages passed as objects. Inputs are fixed-point encoded random updates; which clients drop
 * out, and when, is drawn from a seed.
 */
import { SecAggClient } from '../../src/client/secagg-client.ts';
import { encodeUpdate, type FixedPointConfig } from '../../src/core/fixed-point.ts';
import { addInto } from '../../src/core/ring.ts';
import type { SecAggTolerance } from '../../src/core/secagg-parameters.ts';
import type { MaskedInput, RoundConfig, ShareInbox, UnmaskResponse } from '../../src/core/secagg-protocol.ts';
import { SecAggServer, type RoundResult } from '../../src/server/secagg-server.ts';
import { seededBytes } from './seeded-bytes.ts';

export interface Simulation {
  clients: number;
  length: number;
  tolerance: SecAggTolerance;
  /** Clients that share keys, then send no masked input. */
  dropAfterSharing: number;
  /** Clients that send a masked input, then never answer the unmask request. */
  dropAfterMasking: number;
  seed: string;
}

export interface SimulationRun {
  server: SecAggServer;
  result: RoundResult;
  inputs: Map<number, Uint32Array>;
  /** Σ x_u mod 2^32 over the clients whose masked input reached the server. */
  expected: Uint32Array;
  /** Everything the server received in rounds 2 and 3. */
  maskedInputs: Map<number, MaskedInput>;
  responses: UnmaskResponse[];
}

export const fixedPoint = (length: number): FixedPointConfig => ({ length, clip: 1, scale: 2 ** 20 });

/** Gaussian-ish float updates from seeded bytes (sums of uniforms), norm ≈ 2: clipped to C = 1. */
function randomUpdate(bytes: Uint8Array, length: number): Float32Array {
  const spread = 2 / Math.sqrt(length);
  return Float32Array.from({ length }, (_, i) => ((bytes[4 * i]! + bytes[4 * i + 1]! + bytes[4 * i + 2]! - 382.5) / 127.5) * spread);
}

/**
 * fn over the items, `BATCH` at a time: a thousand clients at once would hold every key agreement
 * of the round in flight at the same moment (over a gigabyte), for no gain on two cores.
 */
const BATCH = 50;
async function inBatches<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(...(await Promise.all(items.slice(i, i + BATCH).map(fn))));
  return out;
}

/** Deterministic sample of `count` distinct indices from 1..n. */
function sample(n: number, count: number, seed: string): number[] {
  const order = Array.from({ length: n }, (_, i) => i + 1);
  const bytes = seededBytes(seed)(4 * n);
  const view = new DataView(bytes.buffer);
  for (let i = n - 1; i > 0; i--) {
    const j = view.getUint32(4 * i) % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, count);
}

/** A round driven through key sharing: every client advertised and shared keys; the inboxes are out. */
export interface SharedRound {
  config: RoundConfig;
  server: SecAggServer;
  clients: Map<number, SecAggClient>;
  inputs: Map<number, Uint32Array>;
  inboxes: Map<number, ShareInbox>;
}

/** `silent` clients advertise keys but never share them. */
export async function shareKeys(clients: number, length: number, tolerance: SecAggTolerance, seed: string, silent: readonly number[] = []): Promise<SharedRound> {
  const config: RoundConfig = { roundId: `round-${seed}`, length, tolerance };
  const server = new SecAggServer(config);
  const random = seededBytes(`${seed}/inputs`);
  const inputs = new Map(Array.from({ length: clients }, (_, i) => [i + 1, encodeUpdate(randomUpdate(random(4 * length), length), fixedPoint(length))]));
  const started = await inBatches([...inputs.keys()], (i) => SecAggClient.start(config, i));
  for (const { advertise } of started) server.advertise(advertise);
  const byIndex = new Map(started.map(({ client }) => [client.index, client]));
  const rosters = server.closeAdvertising();
  const sharing = [...byIndex.values()].filter((c) => !silent.includes(c.index));
  for (const message of await inBatches(sharing, (c) => c.shareKeys(rosters.get(c.index)!))) server.shareKeys(message);
  return { config, server, clients: byIndex, inputs, inboxes: server.closeSharing() };
}

export async function simulateRound(options: Simulation): Promise<SimulationRun> {
  const { server, clients, inputs, inboxes } = await shareKeys(options.clients, options.length, options.tolerance, options.seed);
  const leavers = sample(options.clients, options.dropAfterSharing + options.dropAfterMasking, `${options.seed}/dropouts`);
  const afterSharing = new Set(leavers.slice(0, options.dropAfterSharing));
  const afterMasking = new Set(leavers.slice(options.dropAfterSharing));

  const maskers = [...clients.values()].filter((c) => !afterSharing.has(c.index));
  const maskedInputs = new Map<number, MaskedInput>();
  for (const message of await inBatches(maskers, (c) => c.maskInput(inboxes.get(c.index)!, inputs.get(c.index)!))) {
    maskedInputs.set(message.index, message);
    server.maskedInput(message);
  }
  const requests = server.closeMasking();

  const responses = maskers.filter((c) => !afterMasking.has(c.index)).map((c) => c.unmask(requests.get(c.index)!));
  for (const response of responses) server.unmask(response);
  const result = server.finish();

  const expected = new Uint32Array(options.length);
  for (const index of maskedInputs.keys()) addInto(expected, inputs.get(index)!);
  return { server, result, inputs, expected, maskedInputs, responses };
}
