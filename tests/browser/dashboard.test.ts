/**
 * The merchant dashboard in Debian Chromium against the real server (rounds, models, training
 * jobs; the trainer is tests/fixtures/fake-training-job.mjs in its "hang" mode), with real
 * rounds run over HTTP by Node SecAgg+ clients: one completed on the demo catalogue's ranker
 * and folded into it (noise, FedAdam, published with its ε), one aborted, one still open.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epsilonAfter } from '../../src/core/dp-accountant.ts';
import { encodeUpdate } from '../../src/core/fixed-point.ts';
import { buildApp } from '../../src/server/app.ts';
import { currentModelOf, FederatedPublisher } from '../../src/server/federated-publisher.ts';
import type { ModelRegistry } from '../../src/server/model-registry.ts';
import { RoundCoordinator } from '../../src/server/round-coordinator.ts';
import { SqliteRoundStore } from '../../src/server/storage/sqlite-round-store.ts';
import { seriousViolations } from '../support/axe.ts';
import { launchChromium, type Browser } from '../support/chromium.ts';
import { copyVersion, distDir, linkedModelsCopy, repoRoot } from '../support/models.ts';
import { HttpRoundClient } from '../../src/client/round-http-client.ts';
import { ROUND_PRIVACY } from '../support/round-server.ts';
import { asMerchant, DEMO_KEY, trainingMerchantKeys } from '../support/training-server.ts';

const LENGTH = 16;
const BUDGET = { epsilon: 8, delta: 1e-6 };
const OLDER = 'ft-20261101T000000Z-0a1b2c';
const merchant = { ...asMerchant(DEMO_KEY), 'Content-Type': 'application/json' };

let app: FastifyInstance;
let base: string;
let browser: Browser;
let current: string;
let publishedRanker: string;
const rounds = { completed: '', aborted: '', open: '' };

async function post(path: string, body?: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: merchant, body: body && JSON.stringify(body) });
  expect(response.status, `${path}: ${await response.clone().text()}`).toBeLessThan(300);
  return (await response.json()) as Record<string, unknown>;
}

const TOLERANCE = { dropout: 0.3, collusion: 0 };
const openRound = async () => (await post('/v1/rounds', { length: LENGTH, tolerance: TOLERANCE, privacy: ROUND_PRIVACY })).roundId as string;

/** A whole SecAgg+ round on the demo catalogue's ranker with four clients, all of whom stay. */
async function completeCatalogueRound(): Promise<string> {
  const opened = await post('/v1/rounds', { catalog: 'demo', tolerance: TOLERANCE, privacy: ROUND_PRIVACY, maxClients: 10, expectedCohort: 4 });
  const roundId = opened.roundId as string;
  const clients = await Promise.all(Array.from({ length: 4 }, () => HttpRoundClient.join(base, roundId)));
  const length = clients[0]!.client.config.length;
  const fixedPoint = { length, clip: ROUND_PRIVACY.clipNorm, scale: (opened.plan as { fixedPointScale: number }).fixedPointScale };
  await post(`/v1/rounds/${roundId}/advance`);
  for (const c of clients) await c.send('share-keys', await c.client.shareKeys(await c.reply('roster')));
  await post(`/v1/rounds/${roundId}/advance`);
  for (const c of clients) await c.send('masked-input', await c.client.maskInput(await c.reply('inbox'), encodeUpdate(Float64Array.from({ length }, (_, i) => Math.sin(c.index * 7 + i) * 0.01), fixedPoint)));
  await post(`/v1/rounds/${roundId}/advance`);
  for (const c of clients) await c.send('unmask', c.client.unmask(await c.reply('unmask-request')));
  expect(await post(`/v1/rounds/${roundId}/advance`)).toEqual({ phase: 'finished', abortReason: '', survivors: 4 });
  return roundId;
}

beforeAll(async () => {
  const models = linkedModelsCopy(() => true);
  current = models.version;
  copyVersion(models.dir, current, OLDER, '2026-11-01T00:00:00+00:00', { 'ndcg@10': 0.0604512 });
  const data = mkdtempSync(join(tmpdir(), 'privet-dashboard-'));
  const store = new SqliteRoundStore(join(data, 'rounds.sqlite'));
  // As npm run serve wires it: a completed round is folded into its catalogue's ranker, which the registry then serves.
  let registry: ModelRegistry | null = null;
  const served: Promise<unknown>[] = [];
  const federatedPublisher = new FederatedPublisher({ modelsDir: models.dir, dataDir: data, delta: BUDGET.delta, onPublished: (m) => void served.push(registry!.makeCurrent(m.version)) });
  const built = await buildApp({
    modelsDir: models.dir,
    distDir,
    federation: {
      coordinator: await RoundCoordinator.restore(store),
      merchantKeys: trainingMerchantKeys,
      modelVersion: () => current,
      modelOf: currentModelOf(models.dir),
      privacyBudget: BUDGET,
      published: (m) => federatedPublisher.publishedBy(m),
    },
    training: {
      merchantKeys: trainingMerchantKeys,
      trainer: { command: process.execPath, args: [join(repoRoot, 'tests/fixtures/fake-training-job.mjs')], env: { ...process.env, FAKE_TRAINER_MODE: 'hang' } },
      killGraceMs: 1000,
    },
  });
  app = built.app;
  registry = built.registry;
  base = new URL(await app.listen({ host: '127.0.0.1', port: 0 })).origin;

  rounds.completed = await completeCatalogueRound();
  const [applied] = await federatedPublisher.catchUp(store);
  expect(applied).toMatchObject({ roundId: rounds.completed, skipped: null });
  publishedRanker = applied!.file!;
  await Promise.all(served);
  // The round that aborts is still open when the next one opens: that one's stored ε counts it,
  // the dashboard's (recomposed, as the server's ledger is now) does not.
  rounds.aborted = await openRound();
  rounds.open = await openRound();
  expect(await post(`/v1/rounds/${rounds.aborted}/advance`)).toMatchObject({ phase: 'aborted' });
  await Promise.all([HttpRoundClient.join(base, rounds.open), HttpRoundClient.join(base, rounds.open)]);
  browser = await launchChromium({ webgpu: false });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

// The page's CSP lets only its own script run, so axe (which tests/support/axe.ts adds as an
// inline script) goes in through the DevTools protocol instead, which CSP does not govern.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const row = (page: Page, table: string, attribute: string, id: string) => page.locator(`[data-testid="${table}"] tr[${attribute}="${id}"]`);

describe('merchant dashboard', () => {
  it('asks for the key, refuses a wrong one, then shows rounds, ε over time, versions and training jobs, with no axe violations', async () => {
    const page = await browser.context.newPage();
    const apiCalls: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/v1/')) apiCalls.push(request.url());
    });
    const response = await page.goto(`${base}/dashboard`);
    expect(response?.status()).toBe(200);
    // No merchant data in the page itself.
    const html = await response!.text();
    for (const id of Object.values(rounds)) expect(html).not.toContain(id);
    expect(html).not.toContain(current);

    await page.evaluate(axeSource);
    const keyField = page.getByLabel('Merchant API key');
    await keyField.fill('not-the-key');
    await keyField.press('Enter');
    await expect.poll(() => page.getByTestId('key-error').textContent()).toMatch(/not accepted/);
    expect(await page.locator('[data-testid="rounds"]').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    await keyField.fill(DEMO_KEY);
    await keyField.press('Enter');
    await page.locator('[data-testid="rounds"]').waitFor();

    // Rounds, newest first, with their clients and ε.
    const ids = await page.locator('[data-testid="rounds"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-round-id')));
    expect(ids).toEqual([rounds.open, rounds.aborted, rounds.completed]);
    const cell = (id: string, col: string) => row(page, 'rounds', 'data-round-id', id).locator(`[data-col="${col}"]`).textContent();
    const one = epsilonAfter(ROUND_PRIVACY.sampleRate, ROUND_PRIVACY.noiseMultiplier, 1, BUDGET.delta);
    const two = epsilonAfter(ROUND_PRIVACY.sampleRate, ROUND_PRIVACY.noiseMultiplier, 2, BUDGET.delta);
    expect([await cell(rounds.completed, 'clients'), await cell(rounds.completed, 'cumulative-epsilon')]).toEqual(['4', one.toFixed(2)]);
    expect([await cell(rounds.aborted, 'round-epsilon'), await cell(rounds.aborted, 'cumulative-epsilon')]).toEqual(['0 (aborted)', '—']);
    expect([await cell(rounds.open, 'clients'), await cell(rounds.open, 'cumulative-epsilon')]).toEqual(['2', two.toFixed(2)]);
    // Stored at its opening, the open round's ε still counts the round that aborted since.
    const listed = (await (await fetch(`${base}/v1/rounds`, { headers: asMerchant(DEMO_KEY) })).json()) as { rounds: { roundId: string; spend: { cumulativeEpsilon: number } }[] };
    expect(listed.rounds.find((r) => r.roundId === rounds.open)!.spend.cumulativeEpsilon).toBeCloseTo(epsilonAfter(ROUND_PRIVACY.sampleRate, ROUND_PRIVACY.noiseMultiplier, 3, BUDGET.delta), 9);
    expect(await row(page, 'rounds', 'data-round-id', rounds.aborted).textContent()).toMatch(/aborted: /);
    expect(await row(page, 'rounds', 'data-round-id', rounds.completed).textContent()).toContain(publishedRanker);
    expect(await row(page, 'rounds', 'data-round-id', rounds.completed).locator('[data-col="model"]').textContent()).toBe('ranker, FedAdam');
    expect(await page.getByTestId('privacy-summary').textContent()).toContain(`${two.toFixed(2)} of a budget of 8 at δ 0.000001, over 2 rounds`);
    // What the manifest publishes with the ranker: the ε of the rounds folded into it (one).
    expect(await page.getByTestId('published-guarantees').textContent()).toContain(`catalogue demo's federated models (ranker and intent head): ε ${one.toFixed(2)}, δ 0.000001 over 1 round.`);

    // The plot: one point per round that was not aborted, oldest left, all under the budget line.
    const points = await page.locator('[data-testid="epsilon-plot"] circle.point').evaluateAll((circles) =>
      circles.map((c) => ({ id: c.getAttribute('data-round-id'), x: Number(c.getAttribute('cx')), y: Number(c.getAttribute('cy')) })));
    expect(points.map((p) => p.id)).toEqual([rounds.completed, rounds.open]);
    const budgetY = Number(await page.getByTestId('budget-line').getAttribute('y1'));
    expect(points[0]!.x).toBeLessThan(points[1]!.x);
    expect(points[1]!.y).toBeLessThan(points[0]!.y);
    for (const p of points) expect(p.y).toBeGreaterThan(budgetY);

    // Versions, the current one marked; rolling back asks first (Cancel changes nothing), then
    // re-hashes the version's files (the 90 MB encoder: seconds on two cores).
    const versionRows = await page.locator('[data-testid="versions"] tbody tr').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-version'), r.getAttribute('data-current')]));
    expect(versionRows).toEqual([[OLDER, 'false'], [current, 'true']]);
    // The current version's guarantee is now its federated ranker's; the older one had no rounds.
    expect(await row(page, 'versions', 'data-version', current).textContent()).toContain(`${one.toFixed(2)}, 0.000001 (1)`);
    expect(await row(page, 'versions', 'data-version', OLDER).textContent()).toContain('no federated rounds');
    const metrics = row(page, 'versions', 'data-version', OLDER).locator('dl div');
    expect(await metrics.evaluateAll((pairs) => pairs.map((p) => [p.querySelector('dt')?.textContent, p.querySelector('dd')?.textContent]))).toEqual([['ndcg@10', '0.06045']]);
    const makeOlderCurrent = page.getByRole('button', { name: `Make ${OLDER} current` });
    // By keyboard: Enter opens the confirmation with focus inside it, Escape closes it.
    await makeOlderCurrent.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await makeOlderCurrent.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await row(page, 'versions', 'data-version', current).getAttribute('data-current')).toBe('true');
    await makeOlderCurrent.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Make it current' }).click();
    await expect.poll(() => row(page, 'versions', 'data-version', OLDER).getAttribute('data-current'), { timeout: 20_000 }).toBe('true');
    expect(((await (await fetch(`${base}/v1/models`)).json()) as { current: string }).current).toBe(OLDER);
    expect(await page.getByTestId('versions-status').textContent()).toContain(`Version ${OLDER} is current`);
    // The older version was published before any round: the page no longer claims the ranker's guarantee.
    await expect.poll(() => page.getByTestId('published-guarantees').count()).toBe(0);

    // A training job: started from the form, its progress followed by polling, then cancelled.
    await page.getByRole('button', { name: 'Start training' }).click();
    const job = page.locator('[data-testid="jobs"] tbody tr').first();
    await expect.poll(() => job.locator('[data-col="progress"]').textContent(), { timeout: 20_000 }).toMatch(/of 1000/);
    const jobId = (await job.getAttribute('data-job-id'))!;
    expect(await job.getAttribute('data-state')).toBe('running');
    expect(await page.getByRole('button', { name: 'Start training' }).isDisabled()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await job.getByRole('button', { name: /Cancel job/ }).click();
    await expect.poll(() => job.getAttribute('data-state'), { timeout: 20_000 }).toBe('cancelled');
    const served = (await (await fetch(`${base}/v1/training-jobs/${jobId}`, { headers: asMerchant(DEMO_KEY) })).json()) as { state: string };
    expect(served.state).toBe('cancelled');

    // Polling stops once no job runs: no further calls in the next 2.5 s.
    const calls = apiCalls.length;
    await page.waitForTimeout(2500);
    expect(apiCalls.length).toBe(calls);
    expect(await seriousViolations(page)).toEqual([]);
    // The key was never written anywhere the page's scripts could read later.
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie])).toEqual([0, 0, '']);
    await page.close();
  });
});
