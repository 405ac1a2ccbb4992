import { describe, expect, it } from 'vitest';
import { SecAggClient } from '../../src/client/secagg-client.ts';
import { decodeSum } from '../../src/core/fixed-point.ts';
import { addInto, subtractInto } from '../../src/core/ring.ts';
import { secaggGraph } from '../../src/core/secagg-graph.ts';
import type { MaskedInput, UnmaskResponse } from '../../src/core/secagg-protocol.ts';
import { combine, type Share } from '../../src/core/shamir.ts';
import { expandSeed } from '../../src/server/secagg-crypto.ts';
import { SecAggServer } from '../../src/server/secagg-server.ts';
import { fixedPoint, shareKeys, simulateRound } from '../support/secagg-simulation.ts';

const TOLERANCE = { dropout: 0.3, collusion: 0.05 };
// The 1,000-client rounds assume no colluding clients: k = 34, t = 7. With 5% colluders the graph
// has k = 66 and in-process WebCrypto clients take twice as long (secagg-parameters.test.ts).
const NO_COLLUSION = { dropout: 0.3, collusion: 0 };
const LONG = 600_000;

function equalCoordinates(a: Uint32Array, b: Uint32Array): number {
  let equal = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) equal++;
  return equal;
}

/** The shares of each client's self-mask seed the server received. */
function selfMaskShares(responses: readonly UnmaskResponse[]): Map<number, Share[]> {
  const out = new Map<number, Share[]>();
  for (const r of responses) for (const { of, y } of r.selfMaskShares) out.set(of, [...(out.get(of) ?? []), { x: r.index, y }]);
  return out;
}

describe('a SecAgg+ round: real WebCrypto clients and the node:crypto server, in process', () => {
  it.each([
    [10, 1000, 0, 0, TOLERANCE],
    [10, 1000, 2, 1, TOLERANCE],
    [100, 25_000, 0, 0, TOLERANCE],
    [100, 25_000, 20, 10, TOLERANCE],
    [1000, 16, 0, 0, NO_COLLUSION],
    [1000, 16, 200, 100, NO_COLLUSION],
  ])('%i clients × %i values, %i dropping out after sharing keys and %i after masking: the exact fixed-point sum', async (clients, length, dropAfterSharing, dropAfterMasking, tolerance) => {
    const run = await simulateRound({ clients, length, tolerance, dropAfterSharing, dropAfterMasking, seed: `${clients}-${dropAfterSharing}` });
    // Clients that dropped out after masking are in the sum: their self masks come off with their neighbours' shares.
    expect(run.result.survivors).toEqual([...run.maskedInputs.keys()].sort((a, b) => a - b));
    expect(run.result.survivors.length).toBe(clients - dropAfterSharing);
    expect(run.result.sum).toEqual(run.expected);
    expect(decodeSum(run.result.sum, run.result.survivors.length, fixedPoint(length))).toEqual(decodeSum(run.expected, run.result.survivors.length, fixedPoint(length)));

    // What the server saw of each client is its masked input, nowhere equal to the input but by chance.
    for (const [u, { masked }] of run.maskedInputs) expect(equalCoordinates(masked, run.inputs.get(u)!)).toBeLessThanOrEqual(1);
    // It never got shares of both secrets of one client.
    const ofSelfMask = new Set(run.responses.flatMap((r) => r.selfMaskShares.map((s) => s.of)));
    const ofMaskingKey = new Set(run.responses.flatMap((r) => r.maskingKeyShares.map((s) => s.of)));
    expect([...ofSelfMask].filter((u) => ofMaskingKey.has(u))).toEqual([]);
    expect(ofMaskingKey.size).toBe(dropAfterSharing);
  }, LONG);

  it('leaves a survivor\'s input hidden even after the server strips its self mask (its pairwise masks remain)', async () => {
    const run = await simulateRound({ clients: 10, length: 1000, tolerance: TOLERANCE, dropAfterSharing: 2, dropAfterMasking: 1, seed: 'strip' });
    const { threshold } = run.server.roundParameters;
    const shares = selfMaskShares(run.responses);
    for (const u of run.result.survivors) {
      const stripped = run.maskedInputs.get(u)!.masked.slice();
      subtractInto(stripped, expandSeed(combine(shares.get(u)!, threshold), 1000));
      expect(equalCoordinates(stripped, run.inputs.get(u)!)).toBeLessThanOrEqual(1);
    }
  });

  it('cannot rebuild a secret from t − 1 shares: refused, and forced, not even a 32-byte value', async () => {
    const run = await simulateRound({ clients: 10, length: 1000, tolerance: TOLERANCE, dropAfterSharing: 0, dropAfterMasking: 0, seed: 'below' });
    const { threshold } = run.server.roundParameters;
    const u = run.result.survivors[0]!;
    const shares = selfMaskShares(run.responses).get(u)!;
    expect(shares.length).toBeGreaterThan(threshold);
    // Any t of them agree on the seed…
    expect(combine(shares.slice(1), threshold)).toEqual(combine(shares, threshold));
    // …and t − 1 are refused.
    expect(() => combine(shares.slice(0, threshold - 1), threshold)).toThrow(`shamir: ${threshold - 1} shares cannot reconstruct a secret shared with threshold ${threshold}`);
    // Interpolating t − 1 shares at 0 gives a uniform element of GF(2^521 − 1), whatever the seed:
    // below 2^256 with probability 2^−265.
    expect(() => combine(shares.slice(0, threshold - 1), threshold - 1)).toThrow('the shares do not reconstruct a 32-byte secret');
    expect(() => combine(shares.slice(1, threshold), threshold - 1)).toThrow('the shares do not reconstruct a 32-byte secret');
  });

  it('aborts before asking for any share when fewer than t masked inputs arrive, and refuses everything after', async () => {
    const round = await shareKeys(10, 100, TOLERANCE, 'few');
    const { threshold } = round.server.roundParameters;
    for (const index of [1, 2]) round.server.maskedInput(await round.clients.get(index)!.maskInput(round.inboxes.get(index)!, round.inputs.get(index)!));
    expect(() => round.server.closeMasking()).toThrow(`secagg: round "round-few" aborted: only 2 masked inputs arrived, fewer than the threshold ${threshold}`);
    expect(() => round.server.finish()).toThrow('was aborted (only 2 masked inputs arrived');
  });

  it('aborts when a dropped client keeps fewer than t surviving neighbours: its pairwise masks could not come off', async () => {
    const round = await shareKeys(10, 100, TOLERANCE, 'lonely');
    const { degree, threshold } = round.server.roundParameters;
    const neighbours = secaggGraph(round.config.roundId, [...round.clients.keys()], degree).get(1)!;
    const gone = new Set([1, ...neighbours.slice(threshold - 1)]); // client 1 and all but t − 1 of its neighbours
    for (const [index, client] of round.clients) {
      if (!gone.has(index)) round.server.maskedInput(await client.maskInput(round.inboxes.get(index)!, round.inputs.get(index)!));
    }
    expect(() => round.server.closeMasking()).toThrow(/aborted: .* has \d+ surviving neighbours, fewer than the threshold/);
  });

  it('aborts at the end when too few survivors answer to rebuild a self mask', async () => {
    const round = await shareKeys(10, 100, TOLERANCE, 'silent');
    const { threshold } = round.server.roundParameters;
    for (const [index, client] of round.clients) round.server.maskedInput(await client.maskInput(round.inboxes.get(index)!, round.inputs.get(index)!));
    const requests = round.server.closeMasking();
    for (const index of [1, 2]) round.server.unmask(round.clients.get(index)!.unmask(requests.get(index)!));
    expect(() => round.server.finish()).toThrow(new RegExp(`aborted: the self-mask seed of client \\d+ has [0-2] shares, the threshold is ${threshold}`));
  });

  it('refuses bad masked inputs (wrong round, wrong length, not ring elements, no keys shared, replays) and still sums exactly', async () => {
    const round = await shareKeys(10, 1000, TOLERANCE, 'bad', [10]);
    const { server, clients, inboxes, inputs } = round;
    expect(inboxes.has(10)).toBe(false);
    const good = await clients.get(1)!.maskInput(inboxes.get(1)!, inputs.get(1)!);
    const refused: [MaskedInput, string][] = [
      [{ ...good, roundId: 'round-other' }, 'secagg: masked input is for round "round-other", this is round "round-bad"'],
      [{ ...good, masked: good.masked.subarray(0, 999) }, 'secagg: client 1\'s masked input must be a Uint32Array of 1000 values, got 999'],
      [{ ...good, masked: new Float64Array(1000).fill(Number.NaN) as unknown as Uint32Array }, 'must be a Uint32Array of 1000 values'],
      [{ ...good, index: 10 }, 'secagg: client 10 did not share keys in this round; its masked input is refused'],
      [{ ...good, index: 11 }, 'secagg: client 11 did not share keys in this round'],
    ];
    for (const [message, error] of refused) expect(() => server.maskedInput(message)).toThrow(error);
    server.maskedInput(good);
    expect(() => server.maskedInput(good)).toThrow('secagg: client 1 already sent a masked input (a replay?)');
    expect(() => server.maskedInput({ ...good, masked: new Uint32Array(1000) })).toThrow('already sent a masked input');
    good.masked.fill(0); // the server kept its own copy

    const maskers = [...clients.values()].filter((c) => c.index !== 1 && c.index !== 10);
    for (const message of await Promise.all(maskers.map((c) => c.maskInput(inboxes.get(c.index)!, inputs.get(c.index)!)))) server.maskedInput(message);
    const requests = server.closeMasking();
    expect(() => server.maskedInput(good)).toThrow('takes no masked input now (it is unmasking)');
    const responses = [1, ...maskers.map((c) => c.index)].map((i) => clients.get(i)!.unmask(requests.get(i)!));
    expect(() => server.unmask({ ...responses[0]!, index: 10 })).toThrow('secagg: client 10 was not asked to unmask');
    expect(() => server.unmask({ ...responses[0]!, selfMaskShares: responses[0]!.selfMaskShares.slice(1) })).toThrow('client 1\'s self-mask shares do not answer its request');
    for (const response of responses) server.unmask(response);
    expect(() => server.unmask(responses[0]!)).toThrow('secagg: client 1 already answered (a replay?)');

    const { sum, survivors } = server.finish();
    expect(survivors).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const expected = new Uint32Array(1000);
    for (const u of survivors) addInto(expected, inputs.get(u)!);
    expect(sum).toEqual(expected);
  });

  it('refuses bad key advertisements and key shares, and a cohort too small to hide anyone', async () => {
    const config = { roundId: 'r', length: 4, tolerance: TOLERANCE };
    const server = new SecAggServer(config);
    const started = await Promise.all([1, 2, 3, 4].map((i) => SecAggClient.start(config, i)));
    const { advertise } = started[0]!;
    server.advertise(advertise);
    expect(() => server.advertise(advertise)).toThrow('secagg: client 1 already advertised keys for this round (a replay?)');
    expect(() => server.advertise({ ...advertise, index: 5, keys: { ...advertise.keys, masking: advertise.keys.masking.subarray(1) } })).toThrow('client 5\'s masking key must be an uncompressed P-256 point');
    const offCurve = advertise.keys.channel.slice();
    offCurve[64]! ^= 1;
    expect(() => server.advertise({ ...advertise, index: 5, keys: { ...advertise.keys, channel: offCurve } })).toThrow('client 5\'s channel key is not a point on P-256');
    expect(() => server.advertise({ ...advertise, index: 0 })).toThrow('client index 0 must be a positive integer');
    expect(() => server.shareKeys({ roundId: 'r', index: 1, shares: [] })).toThrow('takes no key shares now (it is advertising)');
    for (const s of started.slice(1)) server.advertise(s.advertise);
    const rosters = server.closeAdvertising();

    const message = await started[0]!.client.shareKeys(rosters.get(1)!);
    const [first, ...rest] = message.shares;
    expect(() => server.shareKeys({ ...message, index: 9 })).toThrow('secagg: client 9 is not in this round\'s cohort');
    expect(() => server.shareKeys({ ...message, shares: rest })).toThrow(`client 1 sent shares for ${rest.length} of its ${message.shares.length} neighbours`);
    expect(() => server.shareKeys({ ...message, shares: [{ ...first!, to: 1 }, ...rest] })).toThrow('client 1 sent shares for client 1, not one of its neighbours or twice');
    expect(() => server.shareKeys({ ...message, shares: [{ ...first!, from: 2 }, ...rest] })).toThrow('client 1 sent shares claiming to be from client 2');
    expect(() => server.shareKeys({ ...message, shares: [{ ...first!, sealed: first!.sealed.subarray(1) }, ...rest] })).toThrow('are not 160 sealed bytes');
    server.shareKeys(message);
    expect(() => server.shareKeys(message)).toThrow('secagg: client 1 already shared keys (a replay?)');

    const tiny = new SecAggServer({ ...config, roundId: 'tiny' });
    for (const s of started.slice(0, 2)) tiny.advertise({ ...s.advertise, roundId: 'tiny' });
    expect(() => tiny.closeAdvertising()).toThrow('secagg: round "tiny" aborted: a cohort needs at least 3 clients, got 2');
  });
});
