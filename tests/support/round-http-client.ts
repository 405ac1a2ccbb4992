/**
 * A SecAgg+ client that speaks the round API over real HTTP (fetch), as a browser's learner
 * will: check in, advertise, then one message per phase once the server has its reply ready.
 */
import { SecAggClient } from '../../src/client/secagg-client.ts';
import type { RoundConfig } from '../../src/core/secagg-protocol.ts';
import { decodeServerReply, encodeClientMessage, type ClientMessageKind, type ClientMessages, type ServerReplies, type ServerReplyKind } from '../../src/core/secagg-wire.ts';

export class HttpRoundClient {
  private constructor(readonly base: string, readonly roundId: string, readonly index: number, readonly token: string, readonly client: SecAggClient) {}

  static async join(base: string, roundId: string): Promise<HttpRoundClient> {
    const round = (await (await fetch(`${base}/v1/rounds/${roundId}`)).json()) as { length: number; tolerance: RoundConfig['tolerance'] };
    const response = await fetch(`${base}/v1/rounds/${roundId}/check-in`, { method: 'POST' });
    if (response.status !== 201) throw new Error(`check-in: ${response.status} ${await response.text()}`);
    const { index, token } = (await response.json()) as { index: number; token: string };
    const { client, advertise } = await SecAggClient.start({ roundId, length: round.length, tolerance: round.tolerance }, index);
    const joined = new HttpRoundClient(base, roundId, index, token, client);
    await joined.send('advertise', advertise);
    return joined;
  }

  async send<K extends ClientMessageKind>(kind: K, message: ClientMessages[K]): Promise<void> {
    const response = await fetch(`${this.base}/v1/rounds/${this.roundId}/messages/${kind}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.token}` },
      body: Buffer.from(encodeClientMessage(kind, message)),
    });
    if (response.status !== 202) throw new Error(`${kind}: ${response.status} ${await response.text()}`);
  }

  async reply<K extends ServerReplyKind>(kind: K): Promise<ServerReplies[K]> {
    const response = await fetch(`${this.base}/v1/rounds/${this.roundId}/reply/${this.index}`, { headers: { Authorization: `Bearer ${this.token}` } });
    if (response.status !== 200 || response.headers.get('x-privet-reply') !== kind) throw new Error(`reply: ${response.status} ${response.headers.get('x-privet-reply')}, expected ${kind}`);
    return decodeServerReply(kind, new Uint8Array(await response.arrayBuffer()));
  }
}
