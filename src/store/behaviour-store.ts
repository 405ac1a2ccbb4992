/**
 * What the widget keeps about a shopper, on their device: IndexedDB in modes `local` and
 * `contribute`, this page's memory in mode `off` (DESIGN.md, privacy modes). The shelves
 * read the history from here, the learner worker writes the profile, and the engine logs
 * every request the widget made. Nothing in this module touches the network.
 *
 * Mode `off` writes nothing to any storage, with one exception the shopper asked for: when
 * they choose `off` themselves, that choice is kept (one record in `consent`), because a
 * "keep nothing" that is forgotten on the next page would start recording again. A
 * merchant default of `off` writes nothing at all (docs/privacy.md).
 */
import { deleteDB, type IDBPDatabase } from 'idb';
import { readEvent, type BehaviourEvent } from '../core/behaviour-event.ts';
import type { Mode } from '../core/modes.ts';
import { checkRetention, DEFAULT_RETENTION, retentionCutoff, type RetentionPolicy } from '../core/retention.ts';
import { DB_NAME, openPrivetDatabase, privetDatabaseExists, STORES, type HealthRecord, type PrivetSchema, type ProfileRecord, type RequestRecord, type StoreName } from './schema.ts';

export interface StoredRecord {
  key: IDBValidKey;
  value: unknown;
}

/** Every record of every store, for the export and the audit report. */
export type StoreContents = { name: StoreName; description: string; records: StoredRecord[] }[];

export interface BehaviourStore {
  readonly mode: Mode;
  readonly retention: RetentionPolicy;
  add(event: BehaviourEvent): Promise<void>;
  /** The latest `limit` readable events, oldest first; unreadable records are skipped. */
  recent(limit: number): Promise<BehaviourEvent[]>;
  count(): Promise<number>;
  profile(): Promise<ProfileRecord | null>;
  logRequests(requests: RequestRecord[]): Promise<void>;
  contents(): Promise<StoreContents>;
  health(): Promise<HealthRecord>;
  close(): void;
}

function warn(message: string): void {
  console.warn(`privet: ${message}`);
}

/** Mode `off`: this page's memory only, gone on navigation. */
class MemoryStore implements BehaviourStore {
  readonly mode = 'off';
  readonly #events: BehaviourEvent[] = [];
  readonly #requests: RequestRecord[] = [];
  constructor(readonly retention: RetentionPolicy) {}
  async add(event: BehaviourEvent) {
    this.#events.push(event);
    if (this.#events.length > this.retention.maxEvents) this.#events.shift();
  }
  async recent(limit: number) {
    return this.#events.slice(-limit);
  }
  async count() {
    return this.#events.length;
  }
  async profile() {
    return null;
  }
  async logRequests(requests: RequestRecord[]) {
    this.#requests.push(...requests);
  }
  async contents(): Promise<StoreContents> {
    const records = (values: readonly unknown[]) => values.map((value, i) => ({ key: i + 1, value }));
    return STORES.map(({ name, description }) => ({
      name,
      description,
      records: name === 'events' ? records(this.#events) : name === 'requests' ? records(this.#requests) : [],
    }));
  }
  async health() {
    return { quotaEvictions: 0, lastQuotaAt: null };
  }
  close() {}
}

const isQuotaError = (err: unknown) => (err as { name?: string } | null)?.name === 'QuotaExceededError';

/** When the disk is full: the share of the oldest events (and network log) evicted to make room. */
const QUOTA_EVICTION_SHARE = 0.2;

/**
 * Modes `local` and `contribute`. The database is created by the first write, not by
 * opening the store: a shopper who only looks, or who has just erased everything, leaves
 * no database behind.
 */
class IndexedDbStore implements BehaviourStore {
  /** Unreadable records already reported on this page, so each is warned about once. */
  readonly #reported = new Set<IDBValidKey>();
  /** Events of this page that a full disk refused: still served to the shelves, gone with the page. */
  readonly #overflow: BehaviourEvent[] = [];
  /** Quota evictions on this page (the persisted count may itself not fit on a full disk). */
  #quotaEvictions = 0;
  #connection: Promise<IDBPDatabase<PrivetSchema>> | null;

  constructor(
    readonly mode: Mode,
    readonly retention: RetentionPolicy,
    db: IDBPDatabase<PrivetSchema> | null = null,
  ) {
    this.#connection = db ? Promise.resolve(db) : null;
  }

  /** The database for writing, created on first need. */
  #write(): Promise<IDBPDatabase<PrivetSchema>> {
    this.#connection ??= openPrivetDatabase();
    return this.#connection;
  }

  /** The database for reading, or null while it does not exist (reading must not create it). */
  async #read(): Promise<IDBPDatabase<PrivetSchema> | null> {
    if (this.#connection) return this.#connection;
    return (await privetDatabaseExists()) ? this.#write() : null;
  }

  async add(event: BehaviourEvent) {
    if (this.#overflow.length) return this.#keepInMemory(event);
    try {
      await this.#addAndPrune(event);
    } catch (err) {
      if (!isQuotaError(err)) throw err;
      // A full disk must not stop the store: make room from the oldest records, note it, try once more.
      const evicted = await this.#evictOldest(QUOTA_EVICTION_SHARE);
      this.#quotaEvictions++;
      await this.#noteQuotaEviction();
      warn(`storage is full; evicted the ${evicted} oldest records to keep recording`);
      try {
        await this.#addAndPrune(event);
      } catch (again) {
        if (!isQuotaError(again)) throw again;
        // Browsers often free the space of deleted records only later (compaction): until
        // the next page, events live in this page's memory, where the shelves still see them.
        warn('storage is still full; this page\'s events are kept in its memory only');
        this.#keepInMemory(event);
      }
    }
  }

  #keepInMemory(event: BehaviourEvent) {
    this.#overflow.push(event);
    if (this.#overflow.length > this.retention.maxEvents) this.#overflow.shift();
  }

  /** Adds the event and applies retention in the same transaction: the store never outgrows its policy. */
  async #addAndPrune(event: BehaviourEvent) {
    const tx = (await this.#write()).transaction('events', 'readwrite');
    void tx.store.add(event);
    const expired = IDBKeyRange.upperBound(retentionCutoff(Date.now(), this.retention), true);
    for (let cursor = await tx.store.index('at').openCursor(expired); cursor; cursor = await cursor.continue()) void cursor.delete();
    const excess = (await tx.store.count()) - this.retention.maxEvents;
    let cursor = excess > 0 ? await tx.store.openCursor() : null;
    for (let removed = 0; cursor && removed < excess; removed++, cursor = await cursor.continue()) void cursor.delete();
    await tx.done;
  }

  /** Deletes the oldest `share` of the events and of the network log; returns how many went. */
  async #evictOldest(share: number): Promise<number> {
    let evicted = 0;
    const db = await this.#write();
    for (const name of ['events', 'requests'] as const) {
      const tx = db.transaction(name, 'readwrite');
      const n = Math.ceil((await tx.store.count()) * share);
      let cursor = n > 0 ? await tx.store.openCursor() : null;
      for (let i = 0; cursor && i < n; i++, cursor = await cursor.continue()) {
        void cursor.delete();
        evicted++;
      }
      await tx.done;
    }
    return evicted;
  }

  async #noteQuotaEviction() {
    const db = await this.#write();
    const stored = ((await db.get('meta', 'health')) as HealthRecord | undefined)?.quotaEvictions ?? 0;
    await db.put('meta', { quotaEvictions: stored + 1, lastQuotaAt: Date.now() }, 'health').catch(() => undefined);
  }

  async recent(limit: number) {
    const events: BehaviourEvent[] = [];
    const skipped: IDBValidKey[] = [];
    const db = await this.#read();
    let cursor = db ? await db.transaction('events').store.index('at').openCursor(null, 'prev') : null;
    const cutoff = retentionCutoff(Date.now(), this.retention);
    while (cursor && events.length < limit) {
      const event = readEvent(cursor.value);
      if (!event) skipped.push(cursor.primaryKey);
      else if (event.at >= cutoff) events.push(event); // expired but not yet pruned: already gone for the shopper
      cursor = await cursor.continue();
    }
    const unreported = skipped.filter((key) => !this.#reported.has(key));
    if (unreported.length) {
      unreported.forEach((key) => this.#reported.add(key));
      warn(`skipped ${unreported.length} unreadable ${unreported.length === 1 ? 'record' : 'records'} in the events store (keys ${unreported.slice(0, 5).join(', ')}${unreported.length > 5 ? ', …' : ''}); the audit report counts them`);
    }
    return [...events.reverse(), ...this.#overflow].slice(-limit);
  }

  async count() {
    return ((await (await this.#read())?.count('events')) ?? 0) + this.#overflow.length;
  }

  async profile() {
    return (await (await this.#read())?.get('profile', 'current')) ?? null;
  }

  async logRequests(requests: RequestRecord[]) {
    if (!requests.length) return;
    const tx = (await this.#write()).transaction('requests', 'readwrite');
    for (const request of requests) void tx.store.add(request);
    const excess = (await tx.store.count()) - this.retention.maxRequests;
    let cursor = excess > 0 ? await tx.store.openCursor() : null;
    for (let removed = 0; cursor && removed < excess; removed++, cursor = await cursor.continue()) void cursor.delete();
    await tx.done.catch((err: unknown) => {
      // The log is for the auditor; a full disk must not break the page over it.
      if (!isQuotaError(err)) throw err;
      warn('storage is full; the network log was not extended');
    });
  }

  async contents(): Promise<StoreContents> {
    const db = await this.#read();
    if (!db) return STORES.map(({ name, description }) => ({ name, description, records: [] }));
    const tx = db.transaction(STORES.map((s) => s.name));
    return Promise.all(STORES.map(async ({ name, description }) => {
      const records: StoredRecord[] = [];
      for (let cursor = await tx.objectStore(name).openCursor(); cursor; cursor = await cursor.continue()) records.push({ key: cursor.key, value: cursor.value });
      return { name, description, records };
    }));
  }

  async health(): Promise<HealthRecord> {
    const db = await this.#read();
    const stored = ((await db?.get('meta', 'health')) as HealthRecord | undefined) ?? { quotaEvictions: 0, lastQuotaAt: null };
    // What this page saw counts even where a full disk kept it from being written.
    return { ...stored, quotaEvictions: Math.max(stored.quotaEvictions, this.#quotaEvictions) };
  }

  close() {
    void this.#connection?.then((db) => db.close());
    this.#connection = null;
  }
}

/** The shopper's saved choice, or null when they never made one. Creates nothing. */
export async function savedMode(): Promise<Mode | null> {
  if (!(await privetDatabaseExists())) return null;
  const db = await openPrivetDatabase();
  try {
    return (await db.get('consent', 'mode'))?.mode ?? null;
  } finally {
    db.close();
  }
}

/**
 * The mode in force: the shopper's saved choice, else the merchant's default. Where
 * IndexedDB is unavailable (blocked storage, some private windows) the shopper gets page
 * memory, as in mode `off`, rather than no recommendations.
 */
export async function openBehaviourStore(merchantDefault: Mode, retention: RetentionPolicy = DEFAULT_RETENTION): Promise<BehaviourStore> {
  checkRetention(retention);
  try {
    const mode = (await savedMode()) ?? merchantDefault;
    return mode === 'off' ? new MemoryStore(retention) : new IndexedDbStore(mode, retention);
  } catch (err) {
    warn(`IndexedDB is unavailable (${(err as Error).message}); keeping this visit in memory only`);
    return new MemoryStore(retention);
  }
}

/**
 * Records the shopper's choice and returns the store for it. Choosing `off` erases every
 * record first: what was kept under a looser mode must not outlive the shopper's "no".
 */
export async function chooseMode(mode: Mode, retention: RetentionPolicy = DEFAULT_RETENTION): Promise<BehaviourStore> {
  if (mode === 'off') await eraseBehaviour();
  const db = await openPrivetDatabase();
  await db.put('consent', { mode, at: Date.now() }, 'mode');
  if (mode === 'off') {
    db.close();
    return new MemoryStore(retention);
  }
  return new IndexedDbStore(mode, retention, db);
}

/** Deletes the whole database: every store, the mode choice included. */
export async function eraseBehaviour(): Promise<void> {
  await deleteDB(DB_NAME, { blocked: () => warn('erasing waits for another tab of this store to close its connection') });
}
