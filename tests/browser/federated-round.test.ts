/**
 * A shopper's browser in mode contribute takes part in real federated rounds, for the ranker and
 * for the intent head: the real server (round API over SQLite), three Node clients to make up
 * the cohort, the merchant closing each phase, and the page's learner worker joining by itself.
 * Each round's sum must be exactly the Node clients' encodings plus the browser's, recomputed
 * here from the events the browser stored with the same core functions; every byte the browser
 * uploaded must be SecAgg+ wire format with no product id, event or query in it; and in mode
 * local the round API is never called.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchOpenRound, HttpRoundClient } from '../../src/client/round-http-client.ts';
import { readEvent } from '../../src/core/behaviour-event.ts';
import { parseCatalog } from '../../src/core/catalog.ts';
import { intentLocalUpdate, intentRows, intentVector } from '../../src/core/federated-intent-update.ts';
import { federatedLength } from '../../src/core/federated-parameters.ts';
import { localUpdate, MAX_CONTRIBUTION_ROWS, trainingRows, wantedItems } from '../../src/core/federated-update.ts';
import { encodeUpdate } from '../../src/core/fixed-point.ts';
import { parseItemMatrix } from '../../src/core/item-matrix.ts';
import { parseIntentHead } from '../../src/core/intent-head.ts';
import { manifestCatalog } from '../../src/core/manifest.ts';
import { parseRanker } from '../../src/core/ranker.ts';
import { addInto } from '../../src/core/ring.ts';
import { CLIENT_MESSAGE_KINDS, decodeClientMessage, decodeWords, type ClientMessageKind } from '../../src/core/secagg-wire.ts';
import { RoundCoordinator } from '../../src/server/round-coordinator.ts';
import { SqliteRoundStore } from '../../src/server/storage/sqlite-round-store.ts';
import { launchChromium, type Browser } from '../support/chromium.ts';
import { readDeviceStorage } from '../support/device-storage.ts';
import { currentManifest, repoRoot, versionDir } from '../support/models.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { readShelf } from '../support/storefront.ts';

const MERCHANT = 'demo';
const MERCHANT_KEY = 'demo-merchant-key';
const PRIVACY = { sampleRate: 1, noiseMultiplier: 1, clipNorm: 2 };
const catalog = parseCatalog(JSON.parse(readFileSync(join(repoRoot, 'public/catalog/demo-catalog.json'), 'utf8')));
const products = catalog.products.filter((p) => p.in_stock).slice(0, 7);
const QUERY = 'periodic table mug';

declare const window: { privet: { setMode(mode: string): Promise<void>; track(event: { type: string; itemId: string }): Promise<void> } };

interface Upload {
  url: string;
  method: string;
  body: Buffer | null;
}

describe('a browser in mode contribute in a real federated round', () => {
  let server: RunningServer;
  let browser: Browser;
  const path = join(mkdtempSync(join(tmpdir(), 'privet-fed-browser-')), 'rounds.sqlite');
  const manifest = currentManifest();
  const entry = manifestCatalog(manifest, MERCHANT);
  const ranker = parseRanker(JSON.parse(readFileSync(join(versionDir(manifest), entry.ranker!), 'utf8')));
  const length = federatedLength(ranker);
  const head = parseIntentHead(JSON.parse(readFileSync(join(versionDir(manifest), entry.intent_head!), 'utf8')));
  const intentLength = intentVector(head.categoryLayer).length;
  /** A round the first test leaves open (mode local must not join it); the second ends it. */
  let leftOpen = '';

  beforeAll(async () => {
    const coordinator = await RoundCoordinator.restore(new SqliteRoundStore(path));
    const merchantKeys = new Map([[MERCHANT, createHash('sha256').update(MERCHANT_KEY).digest('hex')]]);
    server = await startServer({ federation: { coordinator, merchantKeys, modelVersion: () => manifest.version,
      modelOf: (name, model) => (name !== MERCHANT ? null : model === 'ranker' ? { file: entry.ranker!, length } : { file: entry.intent_head!, length: intentLength }), privacyBudget: { epsilon: 100, delta: 1e-6 } } });
    browser = await launchChromium({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
  });

  const merchantPost = async (route: string, body?: object) => {
    const response = await fetch(`${server.origin}/v1/rounds${route}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${MERCHANT_KEY}` }, ...(body && { body: JSON.stringify(body) }) });
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as Record<string, unknown>;
  };
  const openRound = async (model: 'ranker' | 'intent' = 'ranker') => (await merchantPost('', { catalog: MERCHANT, model, privacy: PRIVACY, tolerance: { dropout: 0.3, collusion: 0 }, checkInSeconds: 300 })).roundId as string;
  const advance = (roundId: string) => merchantPost(`/${roundId}/advance`);

  /** Every request the browser context made (pages and workers), and which of them got a response. */
  function recordUploads(): { all: Upload[]; finished: Set<Request>; requests: Request[] } {
    const seen = { all: [] as Upload[], finished: new Set<Request>(), requests: [] as Request[] };
    browser.context.on('request', (r: Request) => {
      seen.requests.push(r);
      seen.all.push({ url: r.url(), method: r.method(), body: r.postDataBuffer() });
    });
    browser.context.on('requestfinished', (r: Request) => seen.finished.add(r));
    return seen;
  }

  async function browserSent(seen: { requests: Request[]; finished: Set<Request> }, kind: ClientMessageKind): Promise<void> {
    await expect.poll(() => seen.requests.some((r) => r.url().endsWith(`/messages/${kind}`) && seen.finished.has(r)), { timeout: 120_000, interval: 250 }).toBe(true);
  }

  /**
   * Runs the round to its end, the merchant closing each phase once the three Node clients and
   * the browser have sent their message for it; returns the ring sum of the Node clients' inputs.
   */
  async function completeWithBrowser(seen: { requests: Request[]; finished: Set<Request> }, roundId: string, nodes: HttpRoundClient[], nodeInput: (index: number) => Uint32Array, values: number): Promise<Uint32Array> {
    await browserSent(seen, 'advertise');
    await advance(roundId);
    for (const c of nodes) await c.send('share-keys', await c.client.shareKeys(await c.reply('roster')));
    await browserSent(seen, 'share-keys');
    await advance(roundId);
    const sum = new Uint32Array(values);
    for (const c of nodes) {
      await c.send('masked-input', await c.client.maskInput(await c.reply('inbox'), nodeInput(c.index)));
      addInto(sum, nodeInput(c.index));
    }
    await browserSent(seen, 'masked-input');
    await advance(roundId);
    for (const c of nodes) await c.send('unmask', c.client.unmask(await c.reply('unmask-request')));
    await browserSent(seen, 'unmask');
    expect(await advance(roundId)).toEqual({ phase: 'finished', abortReason: '', survivors: 4 });
    return sum;
  }

  async function stores(page: Page): Promise<Record<string, { key: unknown; value: unknown }[]>> {
    return (await readDeviceStorage(page, browser.context)).indexedDB.find((db) => db.name === 'privet')!.stores;
  }

  it('joins, uploads only masked SecAgg+ messages, and its update lands in the exact sum; in mode local it never calls the round API', { timeout: 400_000 }, async () => {
    const seen = recordUploads();
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/product/${products[0]!.id}`);
    await page.evaluate(() => window.privet.setMode('contribute'));
    // The shopper looks at more products (recorded as the product pages record them).
    for (const product of products.slice(1)) await page.evaluate((itemId) => window.privet.track({ type: 'view', itemId }), product.id);
    expect((await stores(page)).events?.length ?? 0).toBeGreaterThanOrEqual(products.length - 1);

    // The merchant opens a round; three Node clients check in alongside the browser.
    const roundId = await openRound();
    const announced = (await fetchOpenRound(server.origin, MERCHANT))!;
    expect(announced).toMatchObject({ roundId, model: 'ranker', file: entry.ranker, length, modelVersion: manifest.version });
    const fixedPoint = { length, clip: PRIVACY.clipNorm, scale: announced.fixedPoint.scale };
    const nodes = await Promise.all(Array.from({ length: 3 }, () => HttpRoundClient.join(server.origin, roundId)));
    const nodeInput = (index: number) => encodeUpdate(Float64Array.from({ length }, (_, i) => Math.sin(index * 7 + i) / 400), fixedPoint);
    // A new page: the engine learns, then (the shopper idle for 5 s) the learner looks for the round.
    await page.goto(`${server.origin}/`);
    await readShelf(page, 'for-you');
    const expected = await completeWithBrowser(seen, roundId, nodes, nodeInput, length);

    // The browser's update, recomputed from the events it stored, with the same core functions.
    await expect.poll(async () => ((await stores(page)).outbox?.[0]?.value as { status?: string } | undefined)?.status, { timeout: 30_000 }).toBe('sent');
    const device = await stores(page);
    const outbox = device.outbox!.map((r) => r.value as { round: string; status: string; bytes: number; lastEventKey: number });
    expect(outbox).toEqual([expect.objectContaining({ round: roundId, model: 'ranker', status: 'sent' })]);
    const ids: string[] = JSON.parse(readFileSync(join(versionDir(manifest), entry.ids), 'utf8'));
    const rowOf = new Map(ids.map((id, row) => [id, row]));
    const events = device.events!.filter((r) => (r.key as number) <= outbox[0]!.lastEventKey).map((r) => readEvent(r.value)!);
    const matrix = parseItemMatrix(readFileSync(join(versionDir(manifest), entry.items)).buffer as ArrayBuffer);
    const rows = trainingRows(wantedItems(events, (id) => rowOf.get(id)), ranker.maxHistory, MAX_CONTRIBUTION_ROWS);
    expect(rows.length).toBeGreaterThanOrEqual(products.length - 1);
    const browserInput = encodeUpdate(localUpdate(ranker, matrix, rows), fixedPoint);
    expect(browserInput.some((v) => v !== 0)).toBe(true);
    addInto(expected, browserInput);
    const record = await new SqliteRoundStore(path).round(roundId);
    expect(record?.state).toBe('completed');
    expect(Array.from(decodeWords((record!.outcome as { sum: string }).sum, 'sum'))).toEqual(Array.from(expected));

    // Everything the browser sent to the server: SecAgg+ messages in the wire format, nothing else.
    const uploads = seen.all.filter((u) => u.method !== 'GET');
    expect(uploads.map((u) => new URL(u.url).pathname)).toEqual([
      `/v1/rounds/${roundId}/check-in`,
      ...['advertise', 'share-keys', 'masked-input', 'unmask'].map((kind) => `/v1/rounds/${roundId}/messages/${kind}`),
    ]);
    const forbidden = [...catalog.products.map((p) => p.id), '"itemId"', '"view"', '"events"', '"query"'];
    for (const upload of uploads) {
      const text = upload.body?.toString('utf8') ?? '';
      for (const word of forbidden) expect(text.includes(word), `${upload.url} carries ${word}`).toBe(false);
      const kind = new URL(upload.url).pathname.split('/').pop()!;
      if ((CLIENT_MESSAGE_KINDS as readonly string[]).includes(kind)) expect(() => decodeClientMessage(kind as ClientMessageKind, upload.body!)).not.toThrow();
      else expect(text).toBe('');
    }
    const masked = decodeClientMessage('masked-input', uploads[3]!.body!).masked;
    expect(masked).toHaveLength(length);
    const same = masked.filter((v, i) => v === browserInput[i]).length;
    expect(same).toBeLessThan(length / 1000); // masks are uniform in Z_2^32: a chance match is ~2^-32 per value
    // No GET names a product either (only the catalogue and the model are downloaded).
    for (const request of seen.all.filter((u) => new URL(u.url).pathname.startsWith('/v1/rounds'))) {
      for (const p of products) expect(request.url.includes(p.id)).toBe(false);
    }

    // The network log tells the shopper and the auditor what each round request was, with its bytes.
    const logged = device.requests!.map((r) => r.value as { url: string; method: string; purpose: string; bytesSent: number; context: string }).filter((r) => r.url.includes('/v1/rounds'));
    const maskedLog = logged.find((r) => r.url.endsWith('/messages/masked-input'))!;
    expect(maskedLog).toMatchObject({ method: 'POST', context: 'learner worker', purpose: expect.stringContaining('masked: random-looking numbers only, no events and no product ids') });
    expect(maskedLog.bytesSent).toBe(uploads[3]!.body!.length);
    expect(logged.filter((r) => r.method === 'POST').reduce((sum, r) => sum + r.bytesSent, 0)).toBe(outbox[0]!.bytes);
    expect(logged.every((r) => r.purpose.startsWith('training round') || r.purpose.includes('training round'))).toBe(true);

    // Mode local: more events and an open round, and the learner still never calls the round API.
    await page.evaluate(() => window.privet.setMode('local'));
    const before = seen.all.length;
    leftOpen = await openRound();
    const learned = ((await stores(page)).profile?.[0]?.value as { events: number }).events;
    for (const product of products.slice(0, 3)) await page.goto(`${server.origin}/product/${product.id}`);
    await expect.poll(async () => ((await stores(page)).profile?.[0]?.value as { events: number }).events, { timeout: 60_000 }).toBeGreaterThan(learned);
    // Past the 5 s idle wait a contribute-mode page would have used.
    await page.waitForTimeout(7_000);
    expect(seen.all.slice(before).filter((u) => u.url.includes('/v1/rounds'))).toEqual([]);
  });

  it('joins an intent round with what its searches taught it; the query, its embedding and the category never leave', { timeout: 400_000 }, async () => {
    expect(await advance(leftOpen)).toMatchObject({ phase: 'aborted' });
    const seen = recordUploads();
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/`);
    await page.evaluate(() => window.privet.setMode('contribute'));
    // The merchant opens an intent round; a page with no search behind it does not join (nothing to learn from).
    const roundId = await openRound('intent');
    const announced = (await fetchOpenRound(server.origin, MERCHANT))!;
    expect(announced).toMatchObject({ roundId, model: 'intent', file: entry.intent_head, length: intentLength });
    const fixedPoint = { length: intentLength, clip: PRIVACY.clipNorm, scale: announced.fixedPoint.scale };
    const nodes = await Promise.all(Array.from({ length: 3 }, () => HttpRoundClient.join(server.origin, roundId)));
    const nodeInput = (index: number) => encodeUpdate(Float64Array.from({ length: intentLength }, (_, i) => Math.cos(index * 5 + i) / 900), fixedPoint);
    // The shopper searches by keyboard and opens the first result.
    await page.locator('privet-search input').focus();
    await page.keyboard.type(QUERY, { delay: 20 });
    await page.waitForSelector(`privet-search[data-query="${QUERY}"]`, { state: 'attached', timeout: 120_000 });
    expect(await page.getAttribute('privet-search', 'data-method')).toBe('model');
    const chosen = (await page.getAttribute('privet-search', 'data-items'))!.split(' ')[0]!;
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${server.origin}/product/${chosen}`);

    // Kept on the device: the search with its embedding, the click with the product's category.
    const kept = (await stores(page)).events!.map((r) => readEvent(r.value)!);
    const search = kept.find((e) => e.type === 'search' && e.query === QUERY)!;
    expect(search.embedding).toHaveLength(head.categoryLayer.cols);
    expect(search.embeddedBy).toBe(manifest.version);
    expect(Math.hypot(...search.embedding!)).toBeCloseTo(1, 3);
    const category = catalog.products.find((p) => p.id === chosen)!.category;
    expect(kept).toContainEqual(expect.objectContaining({ type: 'click', itemId: chosen, category, placement: 'search' }));

    // The page joins by itself once the shopper is idle on the product page.
    const expected = await completeWithBrowser(seen, roundId, nodes, nodeInput, intentLength);

    // The browser's intent update, recomputed from the searches it stored, with the same core functions.
    const outboxRecord = async () => (await stores(page)).outbox?.map((r) => r.value as { round: string; status: string; model: string }).find((r) => r.round === roundId);
    await expect.poll(async () => (await outboxRecord())?.status, { timeout: 30_000 }).toBe('sent');
    expect(await outboxRecord()).toMatchObject({ model: 'intent' });
    const events = (await stores(page)).events!.map((r) => readEvent(r.value)!);
    const rows = intentRows(events, { version: manifest.version, categories: head.categories, dims: head.categoryLayer.cols }, MAX_CONTRIBUTION_ROWS);
    expect(rows).toEqual([{ embedding: Float32Array.from(search.embedding!), label: head.categories.indexOf(category.slice(0, 2).join(' > ')) }]);
    const browserInput = encodeUpdate(intentLocalUpdate(head.categoryLayer, rows), fixedPoint);
    expect(browserInput.some((v) => v !== 0)).toBe(true);
    addInto(expected, browserInput);
    const record = await new SqliteRoundStore(path).round(roundId);
    expect(Array.from(decodeWords((record!.outcome as { sum: string }).sum, 'sum'))).toEqual(Array.from(expected));

    // What left: SecAgg+ messages only, none naming the query, the product or its category.
    const uploads = seen.all.filter((u) => u.method !== 'GET' && u.url.includes(`/v1/rounds/${roundId}/`));
    expect(uploads.map((u) => new URL(u.url).pathname.split('/').pop())).toEqual(['check-in', 'advertise', 'share-keys', 'masked-input', 'unmask']);
    for (const upload of uploads) {
      const text = upload.body?.toString('utf8') ?? '';
      for (const word of [QUERY, chosen, category[1]!, '"embedding"', '"search"']) expect(text.includes(word), `${upload.url} carries ${word}`).toBe(false);
    }
    const masked = decodeClientMessage('masked-input', uploads[3]!.body!).masked;
    expect(masked.filter((v, i) => v === browserInput[i]).length).toBeLessThan(intentLength / 1000);

    // Leaving contribute drops the embeddings: nothing reads them in mode local.
    await page.evaluate(() => window.privet.setMode('local'));
    const after = (await stores(page)).events!.map((r) => readEvent(r.value)!);
    expect(after.filter((e) => e.embedding !== undefined)).toEqual([]);
    expect(after.some((e) => e.type === 'search' && e.query === QUERY)).toBe(true);
  });
});
