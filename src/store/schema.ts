/**
 * The widget's IndexedDB database: its stores, what each record looks like, what each store
 * is for (the export and the audit report print these descriptions), and the migrations
 * that carry a shopper's records from every earlier schema to this one.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { LoggedRequest } from '../core/audit-report.ts';
import type { BehaviourEvent } from '../core/behaviour-event.ts';
import type { Mode } from '../core/modes.ts';
import type { PersonalProfile } from '../core/profile-learning.ts';
import type { FederatedModel } from '../core/round-plan.ts';

export const DB_NAME = 'privet';
export const SCHEMA_VERSION = 2;

/** What the learner worker has learned from this shopper's events; never leaves the device. */
export type ProfileRecord = PersonalProfile;

/** One network request the widget made: the payload log an auditor reads (audit-report.ts). */
export type RequestRecord = LoggedRequest;

/**
 * This device's decision about one federated round (mode `contribute`): one record per round it
 * found, so it never draws or contributes twice in a round. The update itself is never stored.
 */
export interface OutboxRecord {
  round: string;
  /** The model the round trained (records from before intent rounds: the ranker). */
  model?: FederatedModel;
  createdAt: number;
  /** sampled-out: the Poisson draw left it out; sent: it took part to the end; stopped: it dropped out. */
  status: 'sampled-out' | 'sending' | 'sent' | 'stopped';
  /** Bytes uploaded to the round (keys, sealed shares, the masked update). */
  bytes: number;
  /** The newest event key the update learned from (sent only); later events count as new. */
  lastEventKey?: number;
  /** Why it stopped (stopped only). */
  reason?: string;
}

export interface ConsentRecord {
  mode: Mode;
  at: number;
}

export interface SchemaRecord {
  version: number;
  migrations: { from: number; to: number; at: number }[];
}

export interface HealthRecord {
  /** Times a write met a full disk (QuotaExceededError) and the oldest records were evicted. */
  quotaEvictions: number;
  lastQuotaAt: number | null;
}

export interface PrivetSchema extends DBSchema {
  events: { key: number; value: BehaviourEvent; indexes: { at: number } };
  profile: { key: 'current'; value: ProfileRecord };
  requests: { key: number; value: RequestRecord; indexes: { at: number } };
  outbox: { key: number; value: OutboxRecord };
  consent: { key: 'mode'; value: ConsentRecord };
  meta: { key: 'schema'; value: SchemaRecord } | { key: 'health'; value: HealthRecord };
}

export type StoreName = StoreNames<PrivetSchema>;

/** Every store, in the order the export and the audit list them, with what it holds. */
export const STORES: readonly { name: StoreName; description: string }[] = [
  { name: 'events', description: 'What you did in this store: products viewed, clicked, added to the cart or bought, searches (with the words typed and, in mode "Help improve the store" only, the 384 numbers the model read them as), the category of a product chosen from search results, dismissals, and which products each shelf showed. Kept on this device only, deleted after the retention period.' },
  { name: 'profile', description: 'What the on-device model learned from those events: a personal offset for the ranking and an average of the products you viewed. Kept on this device only.' },
  { name: 'requests', description: 'Every network request the widget made from this browser: when, to which address, why, and how many bytes went each way.' },
  { name: 'outbox', description: 'The training rounds this device found (mode "Help improve the store" only): whether it took part, when, and how many bytes of masked numbers it sent. Neither the update nor any event is stored here or sent.' },
  { name: 'consent', description: 'The privacy mode you chose, and when.' },
  { name: 'meta', description: 'Housekeeping: the database schema version and its migrations, and how often a full disk forced the oldest records out.' },
];

type UpgradeTransaction = IDBPTransaction<PrivetSchema, StoreName[], 'versionchange'>;
type Migration = (db: IDBPDatabase<PrivetSchema>, tx: UpgradeTransaction) => Promise<void> | void;

/**
 * MIGRATIONS[v - 1] upgrades a database at version v - 1 to version v. They run in order
 * inside the one upgrade transaction, so a shopper on any earlier version arrives at the
 * current one with every record, or (if anything fails) stays where they were.
 */
const MIGRATIONS: readonly Migration[] = [
  // 1: events and the mode choice (the storefront-widget issue).
  (db) => {
    db.createObjectStore('events', { autoIncrement: true }).createIndex('at', 'at');
    db.createObjectStore('meta');
  },
  // 2: profile, the network log, the outbox and consent; the mode choice moves from meta to consent.
  async (db, tx) => {
    db.createObjectStore('profile');
    db.createObjectStore('requests', { autoIncrement: true }).createIndex('at', 'at');
    db.createObjectStore('outbox', { autoIncrement: true });
    db.createObjectStore('consent');
    // Version 1 kept { mode, at } under meta 'mode'; the typed schema no longer knows that key.
    const meta = tx.objectStore('meta') as unknown as { get(key: string): Promise<unknown>; delete(key: string): Promise<void> };
    const old = (await meta.get('mode')) as ConsentRecord | undefined;
    if (old) {
      await tx.objectStore('consent').put({ mode: old.mode, at: old.at }, 'mode');
      await meta.delete('mode');
    }
  },
];

async function migrate(db: IDBPDatabase<PrivetSchema>, from: number, to: number, tx: UpgradeTransaction, now: number): Promise<void> {
  if (to > MIGRATIONS.length) throw new Error(`privet: no migration to schema ${to}`);
  for (let version = from + 1; version <= to; version++) await MIGRATIONS[version - 1]!(db, tx);
  const meta = tx.objectStore('meta');
  const previous = from > 0 ? ((await meta.get('schema')) as SchemaRecord | undefined) : undefined;
  const record: SchemaRecord = { version: to, migrations: [...(previous?.migrations ?? []), { from, to, at: now }] };
  await meta.put(record, 'schema');
}

/** Opens (creating or migrating) the database; shared by the page's store and the learner worker. */
export async function openPrivetDatabase(): Promise<IDBPDatabase<PrivetSchema>> {
  return (await open(true))!;
}

/**
 * Opens the database only if it exists (migrating it if needed), else null: for the learner
 * worker, which must never re-create a database the shopper has just erased.
 */
export async function openExistingPrivetDatabase(): Promise<IDBPDatabase<PrivetSchema> | null> {
  // Checked first so that a missing database is not even begun (open(false) would abort its creation).
  return (await privetDatabaseExists()) ? open(false) : null;
}

async function open(create: boolean): Promise<IDBPDatabase<PrivetSchema> | null> {
  let refused = false;
  try {
    const db: IDBPDatabase<PrivetSchema> = await openDB<PrivetSchema>(DB_NAME, SCHEMA_VERSION, {
      upgrade: (upgrading, from, to, tx) => {
        if (from === 0 && !create) {
          refused = true;
          tx.abort();
          return;
        }
        // idb ignores the promise upgrade returns: a failed migration must abort the upgrade
        // itself, so the shopper's database stays at its old version with every record.
        migrate(upgrading, from, to ?? SCHEMA_VERSION, tx, Date.now()).catch((err: unknown) => {
          console.warn(`privet: migrating the database from schema ${from} failed (${(err as Error).message}); it stays as it was`);
          tx.abort();
        });
      },
      // Another tab (or the shopper's erase) is deleting or upgrading: let go rather than block it.
      blocking: () => db.close(),
    });
    return db;
  } catch (err) {
    if (refused) return null;
    throw err;
  }
}

/** Whether the database exists, without creating it (opening would). */
export async function privetDatabaseExists(): Promise<boolean> {
  return (await indexedDB.databases()).some((db) => db.name === DB_NAME);
}
