/** The real Privet server on a free loopback port, over the real build and models. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { distDir, modelsDir } from './models.ts';

export interface RunningServer {
  app: FastifyInstance;
  origin: string;
}

export async function startServer(options: { modelsDir?: string; crossOriginIsolated?: boolean } = {}): Promise<RunningServer> {
  const { app } = await buildApp({ modelsDir: options.modelsDir ?? modelsDir, distDir, crossOriginIsolated: options.crossOriginIsolated ?? false });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, origin: new URL(address).origin };
}
