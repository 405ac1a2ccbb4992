/**
 * Everything an origin has stored in the browser, read through every storage API a page can
 * reach: IndexedDB (every database, every store, every record), Cache Storage, localStorage,
 * sessionStorage, cookies (document.cookie and the browser's own list, HttpOnly included)
 * and the origin private file system.
 */
import type { BrowserContext, Page } from 'playwright-core';

export interface DeviceStorage {
  indexedDB: { name: string; stores: Record<string, { key: unknown; value: unknown }[]> }[];
  caches: Record<string, string[]>;
  localStorage: Record<string, string>;
  sessionStorage: Record<string, string>;
  documentCookie: string;
  cookies: string[];
  opfs: string[];
}

export async function readDeviceStorage(page: Page, context: BrowserContext): Promise<DeviceStorage> {
  const inPage = await page.evaluate(async () => {
    const request = <T>(r: IDBRequest<T>) => new Promise<T>((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const databases = [];
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      // Only databases that exist are opened: opening a missing one would create it.
      const db = await request(indexedDB.open(name));
      const stores: Record<string, { key: unknown; value: unknown }[]> = {};
      for (const store of [...db.objectStoreNames]) {
        const objectStore = db.transaction(store).objectStore(store);
        const [keys, values] = await Promise.all([request(objectStore.getAllKeys()), request(objectStore.getAll())]);
        stores[store] = keys.map((key, i) => ({ key, value: values[i] }));
      }
      db.close();
      databases.push({ name, stores });
    }
    const cacheEntries: Record<string, string[]> = {};
    for (const name of await caches.keys()) cacheEntries[name] = (await (await caches.open(name)).keys()).map((r) => r.url);
    const opfs: string[] = [];
    const root = await navigator.storage.getDirectory();
    for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) opfs.push(name);
    const all = (storage: Storage) => Object.fromEntries(Array.from({ length: storage.length }, (_, i) => [storage.key(i)!, storage.getItem(storage.key(i)!)!]));
    return { indexedDB: databases, caches: cacheEntries, localStorage: all(localStorage), sessionStorage: all(sessionStorage), documentCookie: document.cookie, opfs };
  });
  const cookies = (await context.cookies(page.url())).map((c) => c.name);
  return { ...inPage, cookies };
}

/** The demo store's own cart cookie is the merchant's, not the widget's. */
export const MERCHANT_COOKIES = ['demo_cart'];

/** What the widget left: the storage with the merchant's cookies taken out. */
export function widgetTraces(storage: DeviceStorage): Omit<DeviceStorage, 'documentCookie'> & { cookies: string[] } {
  const { documentCookie: _documentCookie, ...rest } = storage;
  return { ...rest, cookies: storage.cookies.filter((name) => !MERCHANT_COOKIES.includes(name)) };
}

export const NOTHING = { indexedDB: [], caches: {}, localStorage: {}, sessionStorage: {}, cookies: [], opfs: [] };
