/**
 * The whole server as `npm run serve` builds it (buildApp with merchants, rounds and catalogue
 * ingest) on a loopback port, over a linked copy of the exported model (ingest writes into
 * it), with its JSON log captured line by line.
 */
import { currentModelOf } from '../../src/server/federated-publisher.ts';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { MerchantDirectory } from '../../src/server/merchants.ts';
import { loggerOptions } from '../../src/server/request-log.ts';
import { RoundCoordinator } from '../../src/server/round-coordinator.ts';
import { SqliteRoundStore } from '../../src/server/storage/sqlite-round-store.ts';
import { linkedModelsCopy } from './models.ts';
import { privacyBudget } from './round-server.ts';

export const ACME_KEY = 'acme-key';
export const ACME_ORIGIN = 'https://shop.acme.example';
export const TEA_KEY = 'tea-key';

export interface OpsApp {
  app: FastifyInstance;
  base: string;
  modelsDir: string;
  version: string;
  catalogsDir: string;
  /** Every log line so far, parsed. */
  logs: Record<string, unknown>[];
  /** The raw log text, to search for what must never be in it. */
  logText: () => string;
}

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');

/** `catalogBodyLimit`: the largest catalogue upload in bytes (small, so a test can exceed it cheaply). */
export async function startOpsApp(catalogBodyLimit = 1024 * 1024): Promise<OpsApp> {
  const { dir: modelsDir, version } = linkedModelsCopy();
  const dataDir = mkdtempSync(join(tmpdir(), 'privet-ops-'));
  const distDir = join(dataDir, 'dist');
  mkdirSync(distDir);
  writeFileSync(join(distDir, 'privet.js'), 'export {}');
  const catalogsDir = join(dataDir, 'catalogs');
  const merchants = MerchantDirectory.parse({
    merchants: {
      acme: { keySha256: sha256(ACME_KEY), origins: [ACME_ORIGIN], catalogs: ['acme', 'acme-outlet'] },
      tea: { keySha256: sha256(TEA_KEY) },
    },
  });
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const coordinator = await RoundCoordinator.restore(new SqliteRoundStore(join(dataDir, 'rounds.sqlite')));
  const { app, registry } = await buildApp({
    modelsDir,
    distDir,
    logger: loggerOptions('info', stream),
    merchants,
    catalogIngest: { catalogsDir, bodyLimit: catalogBodyLimit },
    federation: { coordinator, merchantKeys: merchants.keyHashes(), modelVersion: () => registry.current.version, modelOf: currentModelOf(modelsDir), privacyBudget },
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    base,
    modelsDir,
    version,
    catalogsDir,
    get logs() {
      return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    logText: () => text,
  };
}
