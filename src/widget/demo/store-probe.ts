/** Developer page handle used by tests/browser/behaviour-store.test.ts: the real store in real IndexedDB. */
import type { BehaviourEvent } from '../../core/behaviour-event.ts';
import type { Mode } from '../../core/modes.ts';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../../core/retention.ts';
import { chooseMode, openBehaviourStore, savedMode, type BehaviourStore, type StoreContents } from '../../store/behaviour-store.ts';
import { DB_NAME, SCHEMA_VERSION } from '../../store/schema.ts';

export interface StoreProbe {
  dbName: string;
  schemaVersion: number;
  /** Opens the store as the widget would (merchant default `local`), with this retention. */
  open(retention?: Partial<RetentionPolicy>): Promise<void>;
  choose(mode: Mode): Promise<void>;
  add(events: BehaviourEvent[]): Promise<void>;
  recent(limit: number): Promise<BehaviourEvent[]>;
  count(): Promise<number>;
  contents(): Promise<StoreContents>;
  health(): Promise<{ quotaEvictions: number }>;
  savedMode(): Promise<Mode | null>;
  close(): void;
}

declare global {
  interface Window {
    storeProbe: StoreProbe;
  }
}

let store: BehaviourStore | null = null;
const opened = () => {
  if (!store) throw new Error('storeProbe: open() first');
  return store;
};

window.storeProbe = {
  dbName: DB_NAME,
  schemaVersion: SCHEMA_VERSION,
  async open(retention = {}) {
    store?.close();
    store = await openBehaviourStore('local', { ...DEFAULT_RETENTION, ...retention });
  },
  async choose(mode) {
    store?.close();
    store = await chooseMode(mode);
  },
  async add(events) {
    for (const event of events) await opened().add(event);
  },
  recent: (limit) => opened().recent(limit),
  count: () => opened().count(),
  contents: () => opened().contents(),
  health: () => opened().health(),
  savedMode,
  close: () => {
    store?.close();
    store = null;
  },
};
document.body.dataset.probeReady = 'true';
