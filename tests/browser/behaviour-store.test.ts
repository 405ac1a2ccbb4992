/**
 * src/store in real IndexedDB (Chromium), through the store probe page: migrations from
 * the first schema, retention under a controlled clock, damaged records, a full disk.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { StoreProbe } from '../../src/widget/demo/store-probe.ts';
import { useServerAndChromium } from '../support/browser-session.ts';

declare const window: { storeProbe: StoreProbe };

const session = useServerAndChromium({ webgpu: false });
const DAY = 86_400_000;
let page: Page;
let warnings: string[];

async function freshProbe(): Promise<void> {
  await page.goto(`${session.server.origin}/store-probe.html`);
  await page.waitForSelector('body[data-probe-ready]');
}

beforeEach(async () => {
  page = await session.browser.context.newPage();
  warnings = [];
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  await freshProbe();
  await page.evaluate(() => new Promise((resolve) => {
    const request = indexedDB.deleteDatabase('privet');
    request.onsuccess = request.onerror = request.onblocked = resolve;
  }));
});

afterEach(async () => {
  await page.close();
});

describe('the behaviour store in IndexedDB', () => {
  it('migrates a version 1 database to the current schema with every record and the mode choice kept', async () => {
    // Version 1 as the storefront-widget issue shipped it: events (+ index at) and meta { mode }.
    await page.evaluate(() => new Promise<void>((resolve, reject) => {
      const request = indexedDB.open('privet', 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore('events', { autoIncrement: true }).createIndex('at', 'at');
        request.result.createObjectStore('meta');
      };
      request.onsuccess = () => {
        const tx = request.result.transaction(['events', 'meta'], 'readwrite');
        const t = Date.now() - 60_000;
        tx.objectStore('events').add({ type: 'view', at: t + 1, itemId: 'a' });
        tx.objectStore('events').add({ type: 'search', at: t + 2, query: 'gift for a chemistry teacher' });
        tx.objectStore('events').add({ type: 'add_to_cart', at: t + 3, itemId: 'b' });
        tx.objectStore('meta').put({ mode: 'contribute', at: t }, 'mode');
        tx.oncomplete = () => {
          request.result.close();
          resolve();
        };
        tx.onerror = () => reject(tx.error);
      };
    }));
    const migrated = await page.evaluate(async () => {
      const probe = window.storeProbe;
      await probe.open();
      return { mode: await probe.savedMode(), recent: await probe.recent(10), contents: await probe.contents(), schema: probe.schemaVersion };
    });
    expect(migrated.schema).toBe(2);
    expect(migrated.mode).toBe('contribute');
    expect(migrated.contents.map((s) => s.name)).toEqual(['events', 'profile', 'requests', 'outbox', 'consent', 'meta']);
    const stored = Object.fromEntries(migrated.contents.map((s) => [s.name, s.records]));
    const t = (stored.consent![0]!.value as { at: number }).at;
    expect(stored.consent).toEqual([{ key: 'mode', value: { mode: 'contribute', at: t } }]);
    expect(stored.meta).toEqual([{ key: 'schema', value: { version: 2, migrations: [{ from: 1, to: 2, at: expect.any(Number) }] } }]);
    expect(stored.events!.map((r) => r.key)).toEqual([1, 2, 3]);
    expect(migrated.recent).toEqual([
      { type: 'view', at: t + 1, itemId: 'a' },
      { type: 'search', at: t + 2, query: 'gift for a chemistry teacher' },
      { type: 'add_to_cart', at: t + 3, itemId: 'b' },
    ]);
    // The migrated database takes new events after the old ones.
    const after = await page.evaluate(async () => {
      await window.storeProbe.add([{ type: 'view', at: Date.now(), itemId: 'c' }]);
      return (await window.storeProbe.contents())[0]!.records.map((r) => r.key);
    });
    expect(after).toEqual([1, 2, 3, 4]);
  });

  it('creates nothing until the first write, then the current schema from scratch', async () => {
    const before = await page.evaluate(async () => {
      await window.storeProbe.open();
      return { count: await window.storeProbe.count(), recent: await window.storeProbe.recent(5), databases: (await indexedDB.databases()).map((d) => d.name) };
    });
    expect(before).toEqual({ count: 0, recent: [], databases: [] });
    const schema = await page.evaluate(async () => {
      await window.storeProbe.add([{ type: 'view', at: Date.now(), itemId: 'x' }]);
      return (await window.storeProbe.contents()).find((s) => s.name === 'meta')!.records;
    });
    expect(schema).toEqual([{ key: 'schema', value: { version: 2, migrations: [{ from: 0, to: 2, at: expect.any(Number) }] } }]);
  });

  it('keeps a search\'s embedding only while the shopper\'s saved choice is contribute, and drops every one on leaving it', async () => {
    const stored = await page.evaluate(async () => {
      const probe = window.storeProbe;
      const search = (query: string) => ({ type: 'search' as const, at: Date.now(), query, placement: 'search', embedding: [0.6, 0.8], embeddedBy: 'v1' });
      const embedded = async () => (await probe.contents())[0]!.records.map((r) => (r.value as { query?: string; embedding?: number[] }))
        .filter((e) => e.query).map((e) => [e.query, e.embedding !== undefined]);
      await probe.open(); // the merchant's default (local here) is not the shopper's choice
      await probe.add([search('no choice yet')]);
      await probe.choose('contribute');
      await probe.add([search('contributing')]);
      const whileContributing = await embedded();
      await probe.choose('local');
      const afterLeaving = await embedded();
      await probe.add([search('local')]);
      return { whileContributing, afterLeaving, local: await embedded() };
    });
    expect(stored.whileContributing).toEqual([['no choice yet', false], ['contributing', true]]);
    expect(stored.afterLeaving).toEqual([['no choice yet', false], ['contributing', false]]);
    expect(stored.local).toEqual([['no choice yet', false], ['contributing', false], ['local', false]]);
  });

  it('evicts events past their time to live under a controlled clock, and the oldest beyond the count cap', async () => {
    const start = Date.UTC(2026, 0, 1);
    await page.clock.install({ time: start });
    await freshProbe();
    const now = () => page.evaluate(() => Date.now());
    await page.evaluate(async () => {
      await window.storeProbe.open({ ttlDays: 30 });
      await window.storeProbe.add([{ type: 'view', at: Date.now(), itemId: 'old-1' }, { type: 'view', at: Date.now(), itemId: 'old-2' }]);
    });
    await page.clock.setSystemTime(start + 20 * DAY);
    await page.evaluate(() => window.storeProbe.add([{ type: 'view', at: Date.now(), itemId: 'newer' }]));
    expect(await page.evaluate(() => window.storeProbe.count())).toBe(3);

    // Day 31: the first two have expired. They are gone for the shelves at once...
    await page.clock.setSystemTime(start + 31 * DAY);
    expect(await now()).toBeGreaterThanOrEqual(start + 31 * DAY);
    expect((await page.evaluate(() => window.storeProbe.recent(10))).map((e) => e.itemId)).toEqual(['newer']);
    // ...and deleted from the disk by the next write.
    await page.evaluate(() => window.storeProbe.add([{ type: 'view', at: Date.now(), itemId: 'today' }]));
    const left = await page.evaluate(async () => (await window.storeProbe.contents())[0]!.records.map((r) => (r.value as { itemId: string }).itemId));
    expect(left).toEqual(['newer', 'today']);

    // The count cap: at most 100 events, the oldest evicted first.
    await page.evaluate(async () => {
      await window.storeProbe.open({ ttlDays: 30, maxEvents: 100 });
      await window.storeProbe.add(Array.from({ length: 120 }, (_, i) => ({ type: 'impression' as const, at: Date.now() + i, itemIds: [`p${i}`] })));
    });
    const capped = await page.evaluate(async () => ({ count: await window.storeProbe.count(), first: (await window.storeProbe.recent(100))[0] }));
    expect(capped.count).toBe(100);
    expect(capped.first!.itemIds).toEqual(['p20']);
  });

  it('skips damaged or unknown records, reports them once, and never crashes', async () => {
    await page.evaluate(async () => {
      await window.storeProbe.open();
      await window.storeProbe.add([{ type: 'view', at: Date.now() - 2, itemId: 'good-1' }]);
      window.storeProbe.close();
      // What another version, an extension or a damaged disk might leave behind.
      await new Promise<void>((resolve) => {
        const request = indexedDB.open('privet');
        request.onsuccess = () => {
          const tx = request.result.transaction('events', 'readwrite');
          tx.objectStore('events').add({ type: 'teleport', at: Date.now() - 1, itemId: 'x' });
          tx.objectStore('events').add({ type: 'view', at: Date.now() - 1, itemId: 42 });
          tx.objectStore('events').add('just a string');
          tx.objectStore('events').add({ type: 'view', at: Date.now(), itemId: 'good-2' });
          tx.oncomplete = () => {
            request.result.close();
            resolve();
          };
        };
      });
      await window.storeProbe.open();
    });
    const first = await page.evaluate(() => window.storeProbe.recent(10));
    const second = await page.evaluate(() => window.storeProbe.recent(10));
    expect(first.map((e) => e.itemId)).toEqual(['good-1', 'good-2']);
    expect(second).toEqual(first);
    const reports = warnings.filter((w) => w.includes('unreadable'));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/skipped 2 unreadable records/); // the string has no `at`, so no index entry: the audit counts it
    // The export keeps them, marked: the shopper and the auditor see everything stored.
    expect((await page.evaluate(() => window.storeProbe.contents()))[0]!.records).toHaveLength(5);
  });

  it('a full disk evicts the oldest records, is logged, and recording goes on', async () => {
    // An origin of its own: Chromium keeps an origin's IndexedDB backing store, with the quota
    // it read, alive a while after the other tests closed theirs, and then ignores an override.
    const origin = session.server.origin.replace('127.0.0.1', 'localhost');
    await page.goto(`${origin}/store-probe.html`);
    await page.waitForSelector('body[data-probe-ready]');
    const cdp = await session.browser.context.newCDPSession(page);
    // A small quota, set before the database opens: real QuotaExceededErrors from Chromium's IndexedDB.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 400_000 });
    await page.evaluate(async () => {
      await window.storeProbe.open({ maxEvents: 100_000 });
      await window.storeProbe.add([{ type: 'view', at: Date.now(), itemId: 'first' }]);
    });
    try {
      const written = await page.evaluate(async () => {
        // Random text: Chromium compresses large IndexedDB values, and repeated letters would fit anywhere.
        const padding = () => Array.from(crypto.getRandomValues(new Uint8Array(15_000)), (b) => b.toString(36)).join('');
        for (let i = 0; i < 60; i++) await window.storeProbe.add([{ type: 'search', at: Date.now() + i, query: `${i} ${padding()}` }]);
        const stored = (await window.storeProbe.contents())[0]!.records.length;
        return { stored, count: await window.storeProbe.count(), health: await window.storeProbe.health(), last: (await window.storeProbe.recent(1))[0]!.query!.split(' ')[0] };
      });
      expect(written.health.quotaEvictions).toBe(1);
      // The shelves still see the newest event, and every event of this page.
      expect(written.last).toBe('59');
      expect(written.count).toBeGreaterThanOrEqual(50);
      // The disk holds fewer than were written: the oldest made room, the rest waits in memory.
      expect(written.stored).toBeLessThan(40);
      expect(warnings.filter((w) => /storage is full; evicted the \d+ oldest records/.test(w))).toHaveLength(1);
      expect(warnings.filter((w) => w.includes('kept in its memory only')).length).toBeLessThanOrEqual(1);
    } finally {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    }
  });
});
