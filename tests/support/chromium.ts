/** Debian's Chromium driven by playwright-core, as docs/architecture.md describes. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.PRIVET_CHROMIUM ?? '/usr/bin/chromium';

const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// A software (SwiftShader) WebGPU adapter: right answers, not representative speed.
const WEBGPU_ARGS = ['--enable-unsafe-webgpu'];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh profile every time: no cache or storage leaks between runs. */
export async function launchChromium({ webgpu = true } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'privet-chromium-'));
  const args = webgpu ? [...BASE_ARGS, ...WEBGPU_ARGS] : BASE_ARGS;
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
