import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { ModelIntegrityError } from '../../src/server/model-registry.ts';
import { currentManifest, modelsDir, repoRoot } from '../support/models.ts';

/** A dist folder with one file of each kind the widget build produces. */
function fakeDist(): string {
  const dist = mkdtempSync(join(tmpdir(), 'privet-dist-'));
  mkdirSync(join(dist, 'assets'));
  mkdirSync(join(dist, 'catalog'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>store</title>');
  writeFileSync(join(dist, 'assets/ort-wasm-simd-threaded.jsep-abc123.wasm'), Buffer.from([0, 97, 115, 109]));
  writeFileSync(join(dist, 'assets/ort-abc123.mjs'), 'export {}');
  writeFileSync(join(dist, 'assets/main-abc123.js'), 'export {}');
  writeFileSync(join(dist, 'catalog/p-0001.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dist, '.env'), 'SECRET=1');
  return dist;
}

/** A models folder holding one small version, so tampering with it is cheap. */
function tinyModels(content = 'onnx bytes'): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'privet-models-'));
  const version = 'tiny-v1';
  mkdirSync(join(dir, version));
  const file = join(dir, version, 'encoder.int8.onnx');
  writeFileSync(file, content);
  const manifest = {
    version, created: '2026-11-26T00:00:00+00:00', base_model: 'test', dims: 4, max_tokens: 8, opset: 17,
    inputs: ['input_ids', 'attention_mask'], output: 'embedding', intents: [], metrics: {},
    backends: { wasm: 'encoder.int8.onnx', webgpu: 'encoder.int8.onnx' },
    dp: { epsilon: 0, delta: 0, rounds: 0 },
    files: [{ name: 'encoder.int8.onnx', bytes: Buffer.byteLength(content), sha256: createHash('sha256').update(content).digest('hex'), dtype: 'int8' }],
  };
  writeFileSync(join(dir, version, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ current: version, manifest: `${version}/manifest.json` }));
  return { dir, file };
}

describe('server with the exported model', () => {
  let app: FastifyInstance;
  const manifest = currentManifest();

  beforeAll(async () => {
    ({ app } = await buildApp({ modelsDir, distDir: fakeDist() }));
  });
  afterAll(() => app.close());

  it('answers /healthz with the current model version', async () => {
    const res = await app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', model: manifest.version });
  });

  it('sends browsers asking for /favicon.ico to the SVG icon', async () => {
    const res = await app.inject('/favicon.ico');
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/favicon.svg');
  });

  it('serves the current manifest at /v1/manifest, revalidated on every load', async () => {
    const res = await app.inject('/v1/manifest');
    expect(res.json()).toEqual(manifest);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it.each([
    ['/assets/ort-wasm-simd-threaded.jsep-abc123.wasm', 'application/wasm'],
    ['/assets/ort-abc123.mjs', 'text/javascript'],
    ['/assets/main-abc123.js', 'text/javascript'],
    ['/catalog/p-0001.svg', 'image/svg+xml'],
    ['/index.html', 'text/html'],
  ])('serves %s as %s', async (url, type) => {
    const res = await app.inject(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain(type);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('caches hashed bundle files forever and pages not at all', async () => {
    expect((await app.inject('/assets/main-abc123.js')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await app.inject('/')).headers['cache-control']).toBe('no-cache');
  });

  it('serves versioned model files as immutable octet streams with their manifest size', async () => {
    const file = manifest.files.find((f) => f.name === 'encoder.int8.onnx')!;
    const res = await app.inject(`/models/${manifest.version}/encoder.int8.onnx`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.rawPayload.byteLength).toBe(file.bytes);
    expect(createHash('sha256').update(res.rawPayload).digest('hex')).toBe(file.sha256);
    const json = await app.inject(`/models/${manifest.version}/tokenizer.json`);
    expect(json.headers['content-type']).toContain('application/json');
    expect((await app.inject('/models/manifest.json')).headers['cache-control']).toBe('no-cache');
  });

  it('serves nothing from models/ that no verified manifest lists, and no dotfiles', async () => {
    for (const url of [`/models/${manifest.version}/../manifest.json.tmp`, '/models/unknown/encoder.int8.onnx', `/models/${manifest.version}/notes.txt`, '/.env']) {
      expect((await app.inject(url)).statusCode, url).toBe(404);
    }
  });
});

describe('cross-origin isolation', () => {
  it('is off by default and, when asked for, sends COOP and COEP on every response', async () => {
    const plain = (await buildApp({ modelsDir: tinyModels().dir, distDir: fakeDist() })).app;
    expect((await plain.inject('/index.html')).headers['cross-origin-embedder-policy']).toBeUndefined();
    await plain.close();
    const isolated = (await buildApp({ modelsDir: tinyModels().dir, distDir: fakeDist(), crossOriginIsolated: true })).app;
    for (const url of ['/index.html', '/v1/manifest', '/models/tiny-v1/encoder.int8.onnx']) {
      const res = await isolated.inject(url);
      expect(res.headers['cross-origin-opener-policy'], url).toBe('same-origin');
      expect(res.headers['cross-origin-embedder-policy'], url).toBe('require-corp');
    }
    await isolated.close();
  });
});

describe('model integrity at start-up', () => {
  it('starts on intact files', async () => {
    const { dir } = tinyModels();
    const { app, registry } = await buildApp({ modelsDir: dir, distDir: fakeDist() });
    expect(registry.current.version).toBe('tiny-v1');
    await app.close();
  });

  it('refuses a model file whose sha256 does not match its manifest', async () => {
    const { dir, file } = tinyModels();
    writeFileSync(file, 'onnx bytez'); // same size, different bytes
    await expect(buildApp({ modelsDir: dir, distDir: fakeDist() })).rejects.toThrow(ModelIntegrityError);
    await expect(buildApp({ modelsDir: dir, distDir: fakeDist() })).rejects.toThrow(/sha256 of encoder\.int8\.onnx/);
  });

  it('refuses a missing model folder with the command that creates it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'privet-none-'));
    await expect(buildApp({ modelsDir: empty, distDir: fakeDist() })).rejects.toThrow(/npm run export-model/);
  });

  it('the server process exits 1 with a clear message on a tampered model', async () => {
    const { dir, file } = tinyModels();
    writeFileSync(file, 'tampered!!');
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, PRIVET_MODELS_DIR: dir, PORT: '0' },
    });
    const failure = await run.then(() => null, (err: { code: number; stderr: string }) => err);
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/refused to start: model tiny-v1: sha256 of encoder\.int8\.onnx/);
  });
});
