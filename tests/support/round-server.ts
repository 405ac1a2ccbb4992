/**
 * A round server in its own process, for the crash tests: `node --import tsx
 * tests/support/round-server.ts <sqlite path> <port>`, on PostgreSQL instead when
 * PRIVET_DATABASE_URL is set, as `npm run serve` chooses. The merchant "m1" has the API key
 * "merchant-key", "m2" the key "other-merchant-key". Prints "listening" once it accepts connections.
 */
import Fastify from 'fastify';
import type { RoundPlan } from '../../src/core/round-plan.ts';
import { createHash } from 'node:crypto';
import { RoundCoordinator } from '../../src/server/round-coordinator.ts';
import { registerRoundRoutes } from '../../src/server/round-routes.ts';
import { openRoundStore } from '../../src/server/storage/open-round-store.ts';

export const MERCHANT_KEY = 'merchant-key';
export const OTHER_MERCHANT_KEY = 'other-merchant-key';
const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
export const merchantKeys = new Map([['m1', sha256(MERCHANT_KEY)], ['m2', sha256(OTHER_MERCHANT_KEY)]]);
/** Room for many rounds; the budget test sets its own. */
export const privacyBudget = { epsilon: 100, delta: 1e-6 };
/** At δ 1e-6 one round at these settings reaches ε 1.99, two 2.16, three 2.32. */
export const ROUND_PRIVACY = { sampleRate: 0.05, noiseMultiplier: 1, clipNorm: 2 };

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, port] = process.argv.slice(2);
  const app = Fastify();
  await registerRoundRoutes(app, { coordinator: await RoundCoordinator.restore(await openRoundStore({ databaseUrl: process.env.PRIVET_DATABASE_URL, sqliteFile: path! })), merchantKeys, modelVersion: () => 'v1', modelOf: () => null, privacyBudget });
  await app.listen({ port: Number(port), host: '127.0.0.1' });
  console.log('listening');
}

/** A bare-sum round plan for protocol tests: no task, check-in open for an hour. */
export function barePlan(overrides: Partial<RoundPlan> = {}): RoundPlan {
  return { task: null, expectedCohort: 10, maxClients: 1000, fixedPointScale: 1, checkInUntil: Date.now() + 3_600_000, ...overrides };
}
