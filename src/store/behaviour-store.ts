/**
 * What the shopper did, kept on their device: IndexedDB in modes `local` and `contribute`,
 * this page's memory in mode `off` (DESIGN.md, privacy modes). The shelves read their
 * history from here; nothing in this module touches the network.
 *
 * The shopper's choice of mode is itself stored (in `meta`), even when it is `off`: a
 * shopper who said "store nothing" must not find the widget recording again on the next
 * page. That one consent record is all mode `off` keeps, and only when the shopper chose
 * it; a merchant default of `off` writes nothing at all.
 */
import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Mode } from '../core/modes.ts';

export const DB_NAME = 'privet';
const DB_VERSION = 1;

export type EventType = 'view' | 'click' | 'add_to_cart' | 'purchase' | 'search' | 'dismiss' | 'impression';

export interface BehaviourEvent {
  type: EventType;
  /** Milliseconds since the epoch. */
  at: number;
  itemId?: string;
  /** An impression: the products a shelf showed, in order. */
  itemIds?: string[];
  /** A search: the query as typed. Never leaves the device. */
  query?: string;
  /** Which shelf or element it happened in ("similar", "search"). */
  placement?: string;
}

interface PrivetSchema extends DBSchema {
  events: { key: number; value: BehaviourEvent; indexes: { at: number } };
  meta: { key: string; value: { mode: Mode; at: number } };
}

export interface BehaviourStore {
  readonly mode: Mode;
  add(event: BehaviourEvent): Promise<void>;
  /** The latest `limit` events, oldest first. */
  recent(limit: number): Promise<BehaviourEvent[]>;
  count(): Promise<number>;
  close(): void;
}

/** Mode `off`: this page's memory only, gone on navigation. */
class MemoryStore implements BehaviourStore {
  readonly mode = 'off';
  readonly #events: BehaviourEvent[] = [];
  async add(event: BehaviourEvent) {
    this.#events.push(event);
  }
  async recent(limit: number) {
    return this.#events.slice(-limit);
  }
  async count() {
    return this.#events.length;
  }
  close() {}
}

class IndexedDbStore implements BehaviourStore {
  constructor(
    readonly mode: Mode,
    private readonly db: IDBPDatabase<PrivetSchema>,
  ) {}
  async add(event: BehaviourEvent) {
    await this.db.add('events', event);
  }
  async recent(limit: number) {
    const events: BehaviourEvent[] = [];
    let cursor = await this.db.transaction('events').store.index('at').openCursor(null, 'prev');
    while (cursor && events.length < limit) {
      events.push(cursor.value);
      cursor = await cursor.continue();
    }
    return events.reverse();
  }
  count() {
    return this.db.count('events');
  }
  close() {
    this.db.close();
  }
}

async function open(): Promise<IDBPDatabase<PrivetSchema>> {
  const db: IDBPDatabase<PrivetSchema> = await openDB<PrivetSchema>(DB_NAME, DB_VERSION, {
    upgrade(db) {
      db.createObjectStore('events', { autoIncrement: true }).createIndex('at', 'at');
      db.createObjectStore('meta');
    },
    // Another tab is erasing or upgrading: let go rather than block it.
    blocking: () => db.close(),
  });
  return db;
}

/** Whether the database exists, without creating it (opening would). */
async function exists(): Promise<boolean> {
  return (await indexedDB.databases()).some((db) => db.name === DB_NAME);
}

/** The shopper's saved choice, or null when they never made one. Creates nothing. */
export async function savedMode(): Promise<Mode | null> {
  if (!(await exists())) return null;
  const db = await open();
  try {
    return (await db.get('meta', 'mode'))?.mode ?? null;
  } finally {
    db.close();
  }
}

/**
 * The mode in force: the shopper's saved choice, else the merchant's default. Where
 * IndexedDB is unavailable (blocked storage, some private windows) the shopper gets page
 * memory, as in mode `off`, rather than no recommendations.
 */
export async function openBehaviourStore(merchantDefault: Mode): Promise<BehaviourStore> {
  try {
    const mode = (await savedMode()) ?? merchantDefault;
    return mode === 'off' ? new MemoryStore() : new IndexedDbStore(mode, await open());
  } catch (err) {
    console.warn(`privet: IndexedDB is unavailable (${(err as Error).message}); keeping this visit in memory only`);
    return new MemoryStore();
  }
}

/**
 * Records the shopper's choice and returns the store for it. Choosing `off` erases every
 * event first: what was kept under a looser mode must not outlive the shopper's "no".
 */
export async function chooseMode(mode: Mode): Promise<BehaviourStore> {
  if (mode === 'off') await eraseBehaviour();
  const db = await open();
  await db.put('meta', { mode, at: Date.now() }, 'mode');
  if (mode === 'off') {
    db.close();
    return new MemoryStore();
  }
  return new IndexedDbStore(mode, db);
}

/** Deletes the whole database (events and the mode choice). */
export async function eraseBehaviour(): Promise<void> {
  await deleteDB(DB_NAME, { blocked: () => console.warn('privet: erasing waits for another tab of this store to close its connection') });
}
