/**
 * The real server process (`src/server/main.ts`, as `npm run serve` runs it) for the benchmarks
 * that drive it over HTTP. One merchant, "bench", whose limits are raised out of the way: every
 * simulated shopper checks in from this one address (the limits themselves are tested in
 * tests/server). No scheduled rounds: the benchmark opens and closes its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../tests/support/models.ts';

export const BENCH_MERCHANT = 'bench';
export const BENCH_MERCHANT_KEY = 'bench-merchant-key';

export interface BenchServerOptions {
  port: number;
  /** The merchant's id (default "bench"); a training job trains the catalogue named like its merchant. */
  merchant?: string;
  /** Round log, merchants file and an empty dist folder go here. */
  dataDir: string;
  /** The catalogues the merchant may run rounds on. */
  catalogs?: string[];
  /** Extra environment (PRIVET_MODELS_DIR, PRIVET_EPSILON_BUDGET, LOG_LEVEL, …). */
  env?: Record<string, string>;
  /** node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

export interface BenchServer {
  child: ChildProcess;
  base: string;
  /** Bytes the server wrote to stdout (its request log). */
  logBytes: () => number;
  stop: () => Promise<void>;
}

export async function startBenchServer(options: BenchServerOptions): Promise<BenchServer> {
  const { port, dataDir } = options;
  const merchantsFile = join(dataDir, 'merchants.json');
  const unlimited = { perMinute: 1e9, burst: 1e6 };
  const keySha256 = createHash('sha256').update(BENCH_MERCHANT_KEY).digest('hex');
  const merchant = { keySha256, limits: { merchant: unlimited, checkIn: unlimited, upload: unlimited }, ...(options.catalogs && { catalogs: options.catalogs }) };
  writeFileSync(merchantsFile, JSON.stringify({ merchants: { [options.merchant ?? BENCH_MERCHANT]: merchant } }));
  const distDir = join(dataDir, 'dist');
  mkdirSync(distDir, { recursive: true });
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', 'tsx', 'src/server/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PRIVET_DATA_DIR: dataDir, PRIVET_DIST_DIR: distDir, PRIVET_MERCHANTS_FILE: merchantsFile, PRIVET_ROUND_SCHEDULE: '[]', LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let logBytes = 0;
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      logBytes += chunk.length;
      if (chunk.toString().includes('Privet demo store')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening`)));
  });
  return {
    child,
    base: `http://127.0.0.1:${port}`,
    logBytes: () => logBytes,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** A merchant API call (POST); throws with the server's error unless it answers `expected`. */
export async function merchantCall<T>(base: string, path: string, body?: object, expected = body === undefined ? 200 : 201): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${BENCH_MERCHANT_KEY}`, ...(body && { 'Content-Type': 'application/json' }) },
    ...(body && { body: JSON.stringify(body) }),
  });
  if (response.status !== expected) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** `work` over `items`, `size` at a time (a crowd of clients without opening thousands of sockets at once). */
export async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return out;
}

/** The current version of `models` (default models/), hard-linked into `target` (same disk; files are never written in place), so a server there can publish without touching the original. Returns its name. */
export function linkCurrentVersion(target: string, models = join(repoRoot, 'models')): string {
  const pointer = JSON.parse(readFileSync(join(models, 'manifest.json'), 'utf8')) as { current: string };
  mkdirSync(join(target, pointer.current), { recursive: true });
  writeFileSync(join(target, 'manifest.json'), readFileSync(join(models, 'manifest.json')));
  for (const file of readdirSync(join(models, pointer.current))) linkSync(join(models, pointer.current, file), join(target, pointer.current, file));
  return pointer.current;
}
