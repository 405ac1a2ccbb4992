/**
 * A round server in its own process, for the crash tests: `node --import tsx
 * tests/support/round-server.ts <sqlite path> <port>`. The merchant "m1" has the API key
 * "merchant-key". Prints "listening" once it accepts connections.
 */
import Fastify from 'fastify';
import { createHash } from 'node:crypto';
import { RoundCoordinator } from '../../src/server/round-coordinator.ts';
import { registerRoundRoutes } from '../../src/server/round-routes.ts';
import { SqliteRoundStore } from '../../src/server/storage/sqlite-round-store.ts';

export const MERCHANT_KEY = 'merchant-key';
export const merchantKeys = new Map([['m1', createHash('sha256').update(MERCHANT_KEY).digest('hex')]]);

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, port] = process.argv.slice(2);
  const app = Fastify();
  await registerRoundRoutes(app, { coordinator: await RoundCoordinator.restore(new SqliteRoundStore(path!)), merchantKeys, modelVersion: () => 'v1' });
  await app.listen({ port: Number(port), host: '127.0.0.1' });
  console.log('listening');
}
