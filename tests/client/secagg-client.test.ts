import { describe, expect, it } from 'vitest';
import { SecAggClient } from '../../src/client/secagg-client.ts';
import type { RoundConfig, Roster, UnmaskRequest } from '../../src/core/secagg-protocol.ts';
import { SecAggServer } from '../../src/server/secagg-server.ts';
import { shareKeys } from '../support/secagg-simulation.ts';

const TOLERANCE = { dropout: 0.3, collusion: 0.05 };

/** Eight clients advertised; the server has written their rosters. */
async function advertised() {
  const config: RoundConfig = { roundId: 'r', length: 8, tolerance: TOLERANCE };
  const server = new SecAggServer(config);
  const started = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((i) => SecAggClient.start(config, i)));
  for (const { advertise } of started) server.advertise(advertise);
  return { client: started[0]!.client, advertise: started[0]!.advertise, rosters: server.closeAdvertising(), server };
}

/** Ten clients through masking; client 1's unmask request as the server wrote it. */
async function masked() {
  const round = await shareKeys(10, 64, TOLERANCE, 'client');
  const client = round.clients.get(1)!;
  const upload = await client.maskInput(round.inboxes.get(1)!, round.inputs.get(1)!);
  round.server.maskedInput(upload);
  for (const [index, other] of round.clients) if (index !== 1) round.server.maskedInput(await other.maskInput(round.inboxes.get(index)!, round.inputs.get(index)!));
  return { ...round, client, upload, request: round.server.closeMasking().get(1)!, threshold: round.server.roundParameters.threshold };
}

describe('the SecAgg+ client', () => {
  it('advertises two distinct P-256 public keys for the round', async () => {
    const { advertise } = await advertised();
    expect(advertise.roundId).toBe('r');
    expect(advertise.index).toBe(1);
    for (const key of [advertise.keys.channel, advertise.keys.masking]) {
      expect(key.length).toBe(65);
      expect(key[0]).toBe(4);
    }
    expect(advertise.keys.channel).not.toEqual(advertise.keys.masking);
  });

  it('checks the roster against the graph and parameters it computes itself', async () => {
    const { client, rosters } = await advertised();
    const roster = rosters.get(1)!;
    const bad: [Roster, string][] = [
      [{ ...roster, roundId: 'other' }, 'secagg client: a roster is for round "other", this is round "r"'],
      [{ ...roster, participants: roster.participants.filter((i) => i !== 1) }, 'the roster does not list this client (1)'],
      [{ ...roster, threshold: roster.threshold - 1 }, `the roster's degree ${roster.degree} and threshold ${roster.threshold - 1} are not the ${roster.degree} and ${roster.threshold}`],
      [{ ...roster, neighbours: roster.neighbours.slice(1) }, 'the roster\'s neighbours'],
      [{ ...roster, neighbours: roster.neighbours.map((n, i) => (i ? n : { ...n, keys: { ...n.keys, masking: n.keys.masking.subarray(1) } })) }, 'masking key must be an uncompressed P-256 point'],
    ];
    for (const [message, error] of bad) await expect(client.shareKeys(message)).rejects.toThrow(error);
    const sealed = await client.shareKeys(roster);
    expect(sealed.shares.map((s) => s.to).sort()).toEqual(roster.neighbours.map((n) => n.index).sort());
    expect(new Set(sealed.shares.map((s) => s.sealed.length))).toEqual(new Set([160]));
    await expect(client.shareKeys(roster)).rejects.toThrow('cannot take a roster now (this client is at "shared")');
  });

  it('opens only shares sealed in this round, by the claimed sender, for itself', async () => {
    const round = await shareKeys(10, 64, TOLERANCE, 'inbox');
    const client = round.clients.get(1)!;
    const inbox = round.inboxes.get(1)!;
    const input = round.inputs.get(1)!;
    const [a, b, ...rest] = inbox.shares;
    const tampered = a!.sealed.slice();
    tampered[20]! ^= 1;
    await expect(client.maskInput({ ...inbox, shares: [{ ...a!, sealed: tampered }, b!, ...rest] }, input)).rejects.toThrow(`the shares from client ${a!.from} failed authentication`);
    // Swapping two senders' ciphertexts: each would open only under the other's channel key and AAD.
    await expect(client.maskInput({ ...inbox, shares: [{ ...a!, sealed: b!.sealed }, { ...b!, sealed: a!.sealed }, ...rest] }, input)).rejects.toThrow('failed authentication');
    await expect(client.maskInput({ ...inbox, shares: [{ ...a!, to: 2 }, b!, ...rest] }, input)).rejects.toThrow('the inbox holds shares for client 2');
    await expect(client.maskInput({ ...inbox, shares: [a!, a!, ...rest] }, input)).rejects.toThrow(`two sets of shares from client ${a!.from}`);
    await expect(client.maskInput({ ...inbox, roundId: 'elsewhere' }, input)).rejects.toThrow('a share inbox is for round "elsewhere"');
    await expect(client.maskInput(inbox, input.subarray(1))).rejects.toThrow('the input must be a Uint32Array of 64 ring elements');
    const threshold = round.server.roundParameters.threshold;
    await expect(client.maskInput({ ...inbox, shares: inbox.shares.slice(0, threshold - 1) }, input)).rejects.toThrow(`only ${threshold - 1} neighbours shared keys, fewer than the threshold ${threshold}`);
    // None of the refusals moved it on: the real inbox still works.
    const upload = await client.maskInput(inbox, input);
    expect(upload.masked).not.toEqual(input);
  });

  it('uploads the input under masks: no coordinate left as it was but by chance', async () => {
    const { upload, inputs } = await masked();
    const input = inputs.get(1)!;
    expect(upload.masked.length).toBe(64);
    expect(upload.masked.filter((v, i) => v === input[i]).length).toBeLessThanOrEqual(1);
  });

  it('reveals exactly one share per neighbour: of b_v for survivors, of the masking key for the dropped', async () => {
    const { client, request } = await masked();
    const response = client.unmask(request);
    expect(response.selfMaskShares.map((s) => s.of)).toEqual(request.survivors);
    expect(response.maskingKeyShares.map((s) => s.of)).toEqual(request.dropped);
    for (const s of [...response.selfMaskShares, ...response.maskingKeyShares]) expect(s.y.length).toBe(66);
    expect(() => client.unmask(request)).toThrow('cannot take an unmask request now (this client is at "done")');
  });

  it('refuses an unmask request that asks for both shares of a neighbour, too few survivors or strangers', async () => {
    const { client, request, threshold } = await masked();
    const [v, ...others] = request.survivors;
    const bad: [UnmaskRequest, string][] = [
      [{ ...request, dropped: [v!] }, `the server asks for both shares of client ${v}; refusing to reveal either`],
      [{ ...request, survivors: [...request.survivors, 1] }, 'client 1 is not a neighbour that shared keys with this client'],
      [{ ...request, survivors: others }, `settles ${others.length} of the ${request.survivors.length} neighbours`],
      [{ ...request, roundId: 'x' }, 'an unmask request is for round "x"'],
    ];
    for (const [message, error] of bad) expect(() => client.unmask(message)).toThrow(error);
    const few = request.survivors.slice(0, threshold - 1);
    expect(() => client.unmask({ ...request, survivors: few, dropped: request.survivors.slice(threshold - 1) })).toThrow(`names ${threshold - 1} surviving neighbours, fewer than the threshold ${threshold}; refusing`);
    expect(client.unmask(request).selfMaskShares.length).toBe(request.survivors.length);
  });

  it('refuses to skip a step, or to take a step twice at once', async () => {
    const { client, rosters } = await advertised();
    await expect(client.maskInput({ roundId: 'r', shares: [] }, new Uint32Array(8))).rejects.toThrow('cannot take a share inbox now (this client is at "advertised")');
    expect(() => client.unmask({ roundId: 'r', survivors: [], dropped: [] })).toThrow('cannot take an unmask request now');
    await expect(SecAggClient.start({ roundId: 'r', length: 0, tolerance: TOLERANCE }, 1)).rejects.toThrow('length 0 must be a positive integer');
    const first = client.shareKeys(rosters.get(1)!);
    await expect(client.shareKeys(rosters.get(1)!)).rejects.toThrow('cannot take a roster now (this client is at "busy")');
    expect((await first).shares.length).toBe(rosters.get(1)!.neighbours.length);
  });
});
