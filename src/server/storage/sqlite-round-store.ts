/**
 * The embedded round store: one SQLite file through better-sqlite3 (12.x; 13 crashes on this
 * Node). WAL journal with synchronous=NORMAL: a committed append survives the server process
 * dying at any instant (kill -9), which is what a round needs; surviving power loss as well
 * would cost an fsync per upload (`durability: 'full'`).
 */
import Database from 'better-sqlite3';
import { DuplicateRoundEventError, RoundNotOpenError, type RoundEvent, type RoundRecord, type RoundState, type RoundStore } from './round-store.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rounds (
  id TEXT PRIMARY KEY,
  merchant TEXT NOT NULL,
  model_version TEXT NOT NULL,
  config TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'completed', 'aborted')),
  opened_at INTEGER NOT NULL,
  closed_at INTEGER,
  outcome TEXT
);
CREATE INDEX IF NOT EXISTS rounds_by_merchant ON rounds (merchant, opened_at);
CREATE TABLE IF NOT EXISTS round_events (
  round_id TEXT NOT NULL REFERENCES rounds (id),
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  client INTEGER,
  payload BLOB NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (round_id, seq)
);
-- One message of each kind per client and round: a replayed upload is refused by the database itself.
CREATE UNIQUE INDEX IF NOT EXISTS round_events_once ON round_events (round_id, kind, client) WHERE client IS NOT NULL;
`;

interface RoundRow {
  id: string;
  merchant: string;
  model_version: string;
  config: string;
  state: RoundState;
  opened_at: number;
  closed_at: number | null;
  outcome: string | null;
}

interface EventRow {
  seq: number;
  kind: string;
  client: number | null;
  payload: Buffer;
  at: number;
}

const toRound = (row: RoundRow): RoundRecord => ({
  id: row.id,
  merchant: row.merchant,
  modelVersion: row.model_version,
  config: JSON.parse(row.config) as unknown,
  state: row.state,
  openedAt: row.opened_at,
  closedAt: row.closed_at,
  outcome: row.outcome === null ? null : (JSON.parse(row.outcome) as unknown),
});

export class SqliteRoundStore implements RoundStore {
  readonly #db: Database.Database;
  readonly #append: (roundId: string, event: Omit<RoundEvent, 'seq'>) => number;

  /** `path` is a file, or ':memory:' for tests that need no restart. */
  constructor(path: string, options: { durability?: 'process' | 'full' } = {}) {
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    this.#db.pragma('foreign_keys = ON');
    this.#db.exec(SCHEMA);
    const state = this.#db.prepare<[string], { state: RoundState }>('SELECT state FROM rounds WHERE id = ?');
    const last = this.#db.prepare<[string], { seq: number | null }>('SELECT max(seq) AS seq FROM round_events WHERE round_id = ?');
    const insert = this.#db.prepare('INSERT INTO round_events (round_id, seq, kind, client, payload, at) VALUES (?, ?, ?, ?, ?, ?)');
    // One transaction: the open-round check, the next seq and the insert cannot interleave with another append.
    this.#append = this.#db.transaction((roundId: string, event: Omit<RoundEvent, 'seq'>) => {
      const round = state.get(roundId);
      if (round?.state !== 'open') throw new RoundNotOpenError(round ? `round ${roundId} is ${round.state}` : `no round ${roundId}`);
      const seq = (last.get(roundId)?.seq ?? 0) + 1;
      try {
        insert.run(roundId, seq, event.kind, event.client, Buffer.from(event.payload.buffer, event.payload.byteOffset, event.payload.byteLength), event.at);
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new DuplicateRoundEventError(`client ${event.client} already sent "${event.kind}" in round ${roundId}`);
        }
        throw err;
      }
      return seq;
    });
  }

  async createRound(round: Omit<RoundRecord, 'state' | 'closedAt' | 'outcome'>): Promise<void> {
    this.#db.prepare('INSERT INTO rounds (id, merchant, model_version, config, state, opened_at) VALUES (?, ?, ?, ?, \'open\', ?)')
      .run(round.id, round.merchant, round.modelVersion, JSON.stringify(round.config), round.openedAt);
  }

  async round(id: string): Promise<RoundRecord | null> {
    const row = this.#db.prepare<[string], RoundRow>('SELECT * FROM rounds WHERE id = ?').get(id);
    return row ? toRound(row) : null;
  }

  async rounds(filter: { merchant?: string; state?: RoundState } = {}): Promise<RoundRecord[]> {
    const rows = this.#db.prepare<[string | null, string | null, string | null, string | null], RoundRow>(
      'SELECT * FROM rounds WHERE (? IS NULL OR merchant = ?) AND (? IS NULL OR state = ?) ORDER BY opened_at DESC, id DESC',
    ).all(filter.merchant ?? null, filter.merchant ?? null, filter.state ?? null, filter.state ?? null);
    return rows.map(toRound);
  }

  async appendEvent(roundId: string, event: Omit<RoundEvent, 'seq'>): Promise<number> {
    return this.#append(roundId, event);
  }

  async events(roundId: string): Promise<RoundEvent[]> {
    return this.#db.prepare<[string], EventRow>('SELECT seq, kind, client, payload, at FROM round_events WHERE round_id = ? ORDER BY seq')
      .all(roundId)
      .map((row) => ({ ...row, payload: new Uint8Array(row.payload.buffer, row.payload.byteOffset, row.payload.byteLength) }));
  }

  async closeRound(id: string, state: Exclude<RoundState, 'open'>, outcome: unknown, at: number): Promise<void> {
    const result = this.#db.prepare('UPDATE rounds SET state = ?, outcome = ?, closed_at = ? WHERE id = ? AND state = \'open\'')
      .run(state, JSON.stringify(outcome ?? null), at, id);
    if (result.changes !== 1) {
      const round = await this.round(id);
      throw new RoundNotOpenError(round ? `round ${id} is already ${round.state}` : `no round ${id}`);
    }
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
