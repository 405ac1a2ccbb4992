/** One real server and one fresh Chromium per browser test file. */
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, type Browser } from './chromium.ts';
import { startServer, type RunningServer, type StartServerOptions } from './server.ts';

/**
 * Registers hooks that start the real server and a fresh Chromium for one test file;
 * the returned object is filled in before the first test runs.
 */
export function useServerAndChromium(options: { webgpu?: boolean; server?: StartServerOptions } = {}): { server: RunningServer; browser: Browser } {
  const session = {} as { server: RunningServer; browser: Browser };
  beforeAll(async () => {
    session.server = await startServer(options.server);
    session.browser = await launchChromium({ webgpu: options.webgpu ?? true });
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.server?.app.close();
  });
  return session;
}
