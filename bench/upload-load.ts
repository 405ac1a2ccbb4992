/**
 * npm run bench:upload [-- --clients 1000 --connections 32] — masked-update uploads against
 * the real server process (`src/server/main.ts`, as `npm run serve` runs it, JSON request
 * logs at info, round log in SQLite). A round is opened at the ranker's federated length
 * (trainer/federated/client.py Layout, read from the trainer); N SecAgg+ clients
 * (src/client/secagg-client.ts, WebCrypto) check in, advertise keys and share them over
 * HTTP, and compute their real masked inputs; then autocannon sends every client's
 * masked-input upload exactly once, during the masked-input phase, over C keep-alive
 * connections. Reports uploads/s, latency p50/p99, non-2xx and errors, and the body size;
 * writes bench/results/upload-load.json. The merchant's limits are raised for the run (one
 * address checks every client in); the limits themselves are tested in tests/server.
 */
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeUpdate } from '../src/core/fixed-point.ts';
import { encodeClientMessage } from '../src/core/secagg-wire.ts';
import { repoRoot } from '../tests/support/models.ts';
import { HttpRoundClient } from '../src/client/round-http-client.ts';
import { fixedPoint } from '../tests/support/secagg-simulation.ts';
import { inBatches, merchantCall, startBenchServer } from './server-process.ts';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '32' },
    port: { type: 'string', default: '18931' },
    /** A folder for the server's V8 CPU profile (node --cpu-prof), to see what an upload costs. */
    profile: { type: 'string' },
  },
});
const CLIENTS = Number(values.clients);
const CONNECTIONS = Number(values.connections);
const PORT = Number(values.port);

/** The ranker's federated update length, from the trainer (the one definition of the layout). */
function federatedLength(): number {
  const script = 'from trainer.federated.client import Layout; from trainer.recsys.ranker import RankerConfig; c = RankerConfig(); print(Layout(c.dims, 384, c.max_history).size)';
  return Number(execFileSync(join(repoRoot, '.venv/bin/python'), ['-c', script], { cwd: repoRoot, encoding: 'utf8' }).trim());
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Sends each body once over `connections` keep-alive connections. */
function upload(base: string, roundId: string, bodies: { token: string; body: Buffer }[], connections: number): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url: base,
    connections: Math.min(connections, bodies.length),
    amount: bodies.length,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          // Modulo: autocannon may build a request or two past `amount` that it never sends.
          const { token, body } = bodies[next++ % bodies.length]!;
          return { ...request, path: `/v1/rounds/${roundId}/messages/masked-input`, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body };
        },
      },
    ],
  });
}

const length = federatedLength();
const dataDir = mkdtempSync(join(tmpdir(), 'privet-upload-bench-'));
const nodeFlags = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [];
const running = await startBenchServer({ port: PORT, dataDir, env: { PRIVET_EPSILON_BUDGET: '1000' }, nodeFlags });
const { base, child: server } = running;
try {
  const { roundId } = await merchantCall<{ roundId: string }>(base, '/v1/rounds', { length, privacy: { sampleRate: 0.01, noiseMultiplier: 1, clipNorm: 1 } });

  let started = performance.now();
  const clients = await inBatches(Array.from({ length: CLIENTS }), 50, () => HttpRoundClient.join(base, roundId));
  await merchantCall(base, `/v1/rounds/${roundId}/advance`);
  await inBatches(clients, 50, async (c) => c.send('share-keys', await c.client.shareKeys(await c.reply('roster'))));
  await merchantCall(base, `/v1/rounds/${roundId}/advance`);
  const scale = fixedPoint(length);
  const bodies = await inBatches(clients, 20, async (c) => {
    const update = encodeUpdate(Float32Array.from({ length }, (_, i) => Math.sin(c.index * 0.01 + i) / 200), scale);
    return { token: c.token, body: Buffer.from(encodeClientMessage('masked-input', await c.client.maskInput(await c.reply('inbox'), update))) };
  });
  const setupSeconds = (performance.now() - started) / 1000;
  console.log(`round ${roundId}: ${CLIENTS} clients checked in, shared keys and masked their inputs in ${setupSeconds.toFixed(1)} s; length ${length}, body ${bodies[0]!.body.length} bytes`);

  // The first tenth warms the server up (JIT, SQLite pages); the rest is measured.
  const warmUp = Math.ceil(CLIENTS / 10);
  await upload(base, roundId, bodies.slice(0, warmUp), CONNECTIONS);
  const measured = bodies.slice(warmUp);
  const cpuBefore = cpuSeconds(server.pid!);
  const load = loadavg()[0]!;
  started = performance.now();
  const result = await upload(base, roundId, measured, CONNECTIONS);
  const wallSeconds = (performance.now() - started) / 1000;
  const serverCpuSeconds = cpuSeconds(server.pid!) - cpuBefore;
  const accepted = result['2xx'];
  const summary = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, 1-minute load average ${load.toFixed(2)} when measuring (shared with other jobs)`,
    command: `npm run bench:upload -- --clients ${CLIENTS} --connections ${CONNECTIONS}`,
    clients: CLIENTS,
    connections: CONNECTIONS,
    length,
    bodyBytes: bodies[0]!.body.length,
    warmUp,
    measured: measured.length,
    accepted,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    uploadsPerSecond: Math.round(accepted / wallSeconds),
    /** Server CPU per upload: what bounds it when the machine is not shared (uploads/s per core = 1000 / this). */
    serverCpuMsPerUpload: Math.round((serverCpuSeconds / accepted) * 1000 * 100) / 100,
    megabytesPerSecond: Math.round((accepted * bodies[0]!.body.length) / wallSeconds / 1e5) / 10,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    setupSeconds: Math.round(setupSeconds * 10) / 10,
  };
  console.table({
    'uploads/s': summary.uploadsPerSecond,
    'MB/s': summary.megabytesPerSecond,
    'p50 ms': summary.latencyMs.p50,
    'p99 ms': summary.latencyMs.p99,
    'server CPU ms/upload': summary.serverCpuMsPerUpload,
    accepted: `${accepted}/${measured.length}`,
    'non-2xx': summary.non2xx,
    errors: summary.errors,
    'body bytes': summary.bodyBytes,
  });
  writeFileSync(join(repoRoot, 'bench/results/upload-load.json'), JSON.stringify(summary, null, 2) + '\n');
  if (accepted !== measured.length) process.exitCode = 1;
} finally {
  await running.stop();
  console.log(`server log: ${(running.logBytes() / 1e6).toFixed(1)} MB${values.profile ? `; CPU profile in ${values.profile}` : ''}`);
}
