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
import { readEvent, withoutEmbedding, type BehaviourEvent } from '../core/behaviour-event.ts';
import type { Mode } from '../core/modes.ts';
import { checkRetention, DEFAULT_RETENTION, retentionCutoff, type RetentionPolicy } from '../core/retention.ts';
import { DB_NAME, openExistingPrivetDatabase, openPrivetDatabase, privetDatabaseExists, STORES, type HealthRecord, type PrivetSchema, type ProfileRecord, type RequestRecord, type StoreName } from './schema.ts';

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
    this.#events.push(withoutEmbedding(event)); // mode off contributes nothing
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
  /** This page's memory, plus what the database really holds for a shopper who chose `off` (their choice). */
  async contents(): Promise<StoreContents> {
    const records = (values: readonly unknown[]) => values.map((value, i) => ({ key: i + 1, value }));
    const kept = await keptRecords(['consent', 'meta']).catch(() => new Map<StoreName, StoredRecord[]>());
    return STORES.map(({ name, description }) => ({
      name,
      description,
      records: name === 'events' ? records(this.#events) : name === 'requests' ? records(this.#requests) : (kept.get(name) ?? []),
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
  /**
   * Events this store may no longer write: a full disk refused them, or another tab switched
   * to `off`. The shelves still see them; they go with the page.
   */
  readonly #overflow: BehaviourEvent[] = [];
  #memoryOnly = false;
  /** Quota evictions on this page (the persisted count may itself not fit on a full disk). */
  #quotaEvictions = 0;
  #connection: Promise<IDBPDatabase<PrivetSchema>> | null;
  /** Closed by a mode change or an erase: it must never open the database again. */
  #closed = false;

  constructor(
    readonly mode: Mode,
    readonly retention: RetentionPolicy,
    db: IDBPDatabase<PrivetSchema> | null = null,
  ) {
    this.#connection = db ? Promise.resolve(this.#watch(db)) : null;
  }

  /** Forgets a connection another tab made us close (erase, upgrade), so the next call reopens. */
  #watch(db: IDBPDatabase<PrivetSchema>): IDBPDatabase<PrivetSchema> {
    db.addEventListener('versionchange', () => (this.#connection = null));
    return db;
  }

  /** The database for writing, created on first need. */
  #write(): Promise<IDBPDatabase<PrivetSchema>> {
    if (this.#closed) return Promise.reject(new Error('privet: this store was closed by a mode change or an erase'));
    this.#connection ??= openPrivetDatabase().then((db) => this.#watch(db));
    return this.#connection;
  }

  /** The database for reading, or null while it does not exist (reading must not create it). */
  async #read(): Promise<IDBPDatabase<PrivetSchema> | null> {
    if (this.#closed) return null;
    if (this.#connection) return this.#connection;
    return (await privetDatabaseExists()) ? this.#write() : null;
  }

  async add(event: BehaviourEvent) {
    if (this.#memoryOnly) return this.#keepInMemory(event);
    try {
      await this.#addAndPrune(event);
    } catch (err) {
      if (!isQuotaError(err)) throw err;
      if (this.#quotaEvictions > 0) return this.#spill(event); // evict once per page, not on every write
      // A full disk must not stop the store: make room from the oldest records, note it, try once more.
      const evicted = await this.#evictOldest(QUOTA_EVICTION_SHARE);
      this.#quotaEvictions++;
      await this.#noteQuotaEviction();
      warn(`storage is full; evicted the ${evicted} oldest records to keep recording`);
      try {
        await this.#addAndPrune(event);
      } catch (again) {
        if (!isQuotaError(again)) throw again;
        this.#spill(event);
      }
    }
  }

  /**
   * Browsers often free the space of deleted records only later (compaction): until the next
   * page, events live in this page's memory, where the shelves still see them.
   */
  #spill(event: BehaviourEvent) {
    warn('storage is still full; this page\'s events are kept in its memory only');
    this.#memoryOnly = true;
    this.#keepInMemory(event);
  }

  #keepInMemory(event: BehaviourEvent) {
    this.#overflow.push(withoutEmbedding(event)); // only the learner reads embeddings, and only from the database
    if (this.#overflow.length > this.retention.maxEvents) this.#overflow.shift();
  }

  /**
   * Adds the event and applies retention in the same transaction, so the store never
   * outgrows its policy: expired events go, and a profile not updated within the time to
   * live goes with them (it was learned from them). The consent is read in the same
   * transaction: if another tab chose `off` meanwhile, nothing is written, and a search's
   * embedding is kept only while the saved choice is `contribute` (only contributions read it;
   * a merchant's default is not the shopper's choice).
   */
  async #addAndPrune(event: BehaviourEvent) {
    const tx = (await this.#write()).transaction(['events', 'profile', 'consent'], 'readwrite');
    const consent = await this.#consentUnlessOff(tx);
    if (consent === null) return this.#keepInMemory(event);
    const events = tx.objectStore('events');
    quietly(events.add(consent === 'contribute' ? event : withoutEmbedding(event)));
    const cutoff = retentionCutoff(Date.now(), this.retention);
    for (let cursor = await events.index('at').openCursor(IDBKeyRange.upperBound(cutoff, true)); cursor; cursor = await cursor.continue()) quietly(cursor.delete());
    const profile = tx.objectStore('profile');
    if (((await profile.get('current'))?.updatedAt ?? Infinity) < cutoff) quietly(profile.delete('current'));
    await deleteOldest(events, (await events.count()) - this.retention.maxEvents);
    await tx.done;
  }

  /**
   * The shopper's saved choice, read in the write's own transaction (undefined: none saved), or
   * null when another tab chose `off` since this store opened: then the transaction is aborted,
   * and this page writes nothing more.
   */
  async #consentUnlessOff(tx: { objectStore(name: 'consent'): { get(key: 'mode'): Promise<{ mode: Mode } | undefined> }; abort(): void; done: Promise<void> }): Promise<Mode | undefined | null> {
    const mode = (await tx.objectStore('consent').get('mode'))?.mode;
    if (mode !== 'off') return mode;
    tx.abort();
    await tx.done.catch(() => undefined);
    this.#memoryOnly = true;
    return null;
  }

  /** Deletes the oldest `share` of the events and of the network log; returns how many went. */
  async #evictOldest(share: number): Promise<number> {
    let evicted = 0;
    const db = await this.#write();
    for (const name of ['events', 'requests'] as const) {
      const tx = db.transaction(name, 'readwrite');
      evicted += await deleteOldest(tx.store, Math.ceil((await tx.store.count()) * share));
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
    const profile = (await (await this.#read())?.get('profile', 'current')) ?? null;
    return profile && profile.updatedAt >= retentionCutoff(Date.now(), this.retention) ? profile : null;
  }

  /** Appends to the network log, which keeps the events' time to live and its own count cap. */
  async logRequests(requests: RequestRecord[]) {
    if (!requests.length || this.#memoryOnly) return;
    const tx = (await this.#write()).transaction(['requests', 'consent'], 'readwrite');
    if ((await this.#consentUnlessOff(tx)) === null) return;
    const log = tx.objectStore('requests');
    for (const request of requests) quietly(log.add(request));
    const expired = IDBKeyRange.upperBound(retentionCutoff(Date.now(), this.retention), true);
    for (let cursor = await log.index('at').openCursor(expired); cursor; cursor = await cursor.continue()) quietly(cursor.delete());
    await deleteOldest(log, (await log.count()) - this.retention.maxRequests);
    await tx.done.catch((err: unknown) => {
      // The log is for the auditor; a full disk must not break the page over it.
      if (!isQuotaError(err)) throw err;
      warn('storage is full; the network log was not extended');
    });
  }

  async contents(): Promise<StoreContents> {
    const db = await this.#read();
    const records = db ? await readRecords(db, STORES.map((s) => s.name)) : new Map<StoreName, StoredRecord[]>();
    return STORES.map(({ name, description }) => ({ name, description, records: records.get(name) ?? [] }));
  }

  async health(): Promise<HealthRecord> {
    const db = await this.#read();
    const stored = ((await db?.get('meta', 'health')) as HealthRecord | undefined) ?? { quotaEvictions: 0, lastQuotaAt: null };
    // What this page saw counts even where a full disk kept it from being written.
    return { ...stored, quotaEvictions: Math.max(stored.quotaEvictions, this.#quotaEvictions) };
  }

  close() {
    this.#closed = true;
    void this.#connection?.then((db) => db.close());
    this.#connection = null;
  }
}

/** The records of `names` in the database, if it exists (reading creates nothing). */
async function keptRecords(names: StoreName[]): Promise<Map<StoreName, StoredRecord[]>> {
  const db = await openExistingPrivetDatabase();
  if (!db) return new Map();
  try {
    return await readRecords(db, names);
  } finally {
    db.close();
  }
}

/** Every record of `names`, with its key, in one read transaction. */
async function readRecords(db: IDBPDatabase<PrivetSchema>, names: StoreName[]): Promise<Map<StoreName, StoredRecord[]>> {
  const tx = db.transaction(names);
  const read = new Map<StoreName, StoredRecord[]>();
  for (const name of names) {
    const records: StoredRecord[] = [];
    for (let cursor = await tx.objectStore(name).openCursor(); cursor; cursor = await cursor.continue()) records.push({ key: cursor.key, value: cursor.value });
    read.set(name, records);
  }
  return read;
}

/** An IndexedDB request whose failure its transaction reports (tx.done): no unhandled rejection. */
function quietly(request: Promise<unknown>): void {
  request.catch(() => undefined);
}

/** Deletes the `count` oldest records (lowest keys) of a store in a readwrite transaction; returns how many went. */
async function deleteOldest(store: { openCursor(): Promise<{ delete(): Promise<void>; continue(): Promise<unknown> } | null> }, count: number): Promise<number> {
  let removed = 0;
  type Cursor = Awaited<ReturnType<typeof store.openCursor>>;
  for (let cursor: Cursor = count > 0 ? await store.openCursor() : null; cursor && removed < count; removed++) {
    quietly(cursor.delete());
    cursor = (await cursor.continue()) as Cursor;
  }
  return removed;
}

/** The shopper's saved choice, or null when they never made one. Creates nothing. */
export async function savedMode(): Promise<Mode | null> {
  const db = await openExistingPrivetDatabase();
  if (!db) return null;
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
  const tx = db.transaction(['consent', 'events'], 'readwrite');
  quietly(tx.objectStore('consent').put({ mode, at: Date.now() }, 'mode'));
  // Leaving `contribute`: the searches' embeddings were kept for contributions only.
  if (mode !== 'contribute') {
    for (let cursor = await tx.objectStore('events').openCursor(); cursor; cursor = await cursor.continue()) {
      const event = cursor.value as BehaviourEvent;
      if (event.embedding !== undefined) quietly(cursor.update(withoutEmbedding(event)));
    }
  }
  await tx.done;
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
