/**
 * One browser's part in one federated round, over the round API (round-http-client.ts): check
 * in, advertise keys, then for each phase wait for the server's reply (it answers 204 until the
 * merchant closes the phase), answer it with the SecAgg+ client and upload. Only the SecAgg+
 * messages leave: public keys, key shares sealed for neighbours, the masked input (the encoded
 * update plus masks, random-looking to the server) and the shares that unmask the sum.
 *
 * Before every upload `stillAllowed` is asked again (the shopper may have left `contribute` or
 * erased their data in another tab meanwhile), and `signal` stops any wait or request (abort,
 * the round's deadline, the worker's shutdown). A client that stops is a dropout the protocol
 * tolerates; it never sends a message out of turn.
 */
import type { RoundAnnouncement } from '../core/round-announcement.ts';
import { HttpRoundClient, type RoundHttpOptions } from './round-http-client.ts';

export interface ParticipationOptions extends RoundHttpOptions {
  /** How often to ask for a reply the server does not have yet. */
  pollMs: number;
  /** Whether this device may still send (mode `contribute`, data not erased). */
  stillAllowed: () => Promise<boolean>;
}

/** The shopper's choice changed mid-round: the device stopped, as a dropout. */
export class ParticipationStoppedError extends Error {
  override name = 'ParticipationStoppedError';
}

/** Runs the round to its end for this client; resolves with its index, throws if the round or the device stops it. */
export async function participate(base: string, round: RoundAnnouncement, input: Uint32Array, options: ParticipationOptions): Promise<{ index: number }> {
  if (input.length !== round.length) throw new Error(`federated participant: the input has ${input.length} values, the round ${round.length}`);
  const allowed = async () => {
    options.signal?.throwIfAborted();
    if (!(await options.stillAllowed())) throw new ParticipationStoppedError('the shopper no longer contributes (mode changed or data erased): stopped');
  };
  await allowed();
  const joined = await HttpRoundClient.join(base, round, options);
  const { client } = joined;
  const roster = await joined.awaitReply('roster', options.pollMs);
  await allowed();
  await joined.send('share-keys', await client.shareKeys(roster));
  const inbox = await joined.awaitReply('inbox', options.pollMs);
  await allowed();
  await joined.send('masked-input', await client.maskInput(inbox, input));
  const request = await joined.awaitReply('unmask-request', options.pollMs);
  await allowed();
  await joined.send('unmask', client.unmask(request));
  return { index: joined.index };
}
