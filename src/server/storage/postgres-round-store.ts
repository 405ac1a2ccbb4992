/**
 * The round store for deployments that outgrow one machine: PostgreSQL through `pg`, so that
 * several server processes can share one round log. Same semantics as the SQLite store: an
 * append is acknowledged only after its transaction committed with `synchronous_commit = on`
 * (set on every connection, whatever the cluster's default), so its WAL record is flushed to disk:
 * it survives the server process, the database server or the machine dying. A replay is refused
 * by a UNIQUE index.
 *
 * All tables live in one schema (default "privet"), created on open if missing, so tests and
 * tenants can be kept apart in one database.
 */
import pg from 'pg';
import { DuplicateRoundEventError, RoundNotOpenError, type RoundEvent, type RoundRecord, type RoundState, type RoundStore } from './round-store.ts';

const schemaSql = (schema: string) => `
CREATE SCHEMA IF NOT EXISTS ${schema};
CREATE TABLE IF NOT EXISTS ${schema}.rounds (
  id TEXT PRIMARY KEY,
  merchant TEXT NOT NULL,
  model_version TEXT NOT NULL,
  config TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'completed', 'aborted')),
  opened_at BIGINT NOT NULL,
  closed_at BIGINT,
  outcome TEXT,
  -- The seq of the round's newest event: bumping it locks the round row, which orders
  -- concurrent appends from any number of connections and keeps seq dense (1, 2, 3, …).
  last_seq INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS rounds_by_merchant ON ${schema}.rounds (merchant, opened_at);
CREATE TABLE IF NOT EXISTS ${schema}.round_events (
  round_id TEXT NOT NULL REFERENCES ${schema}.rounds (id),
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  client INTEGER,
  payload BYTEA NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (round_id, seq)
);
-- One message of each kind per client and round: a replayed upload is refused by the database itself.
CREATE UNIQUE INDEX IF NOT EXISTS round_events_once ON ${schema}.round_events (round_id, kind, client) WHERE client IS NOT NULL;
`;

/** PostgreSQL's SQLSTATE for a unique violation. */
const UNIQUE_VIOLATION = '23505';
/** A batch of appends to one round goes to the database as one statement of at most this many events and bytes. */
const MAX_BATCH_APPENDS = 256;
const MAX_BATCH_BYTES = 16 * 1024 * 1024;

/** The database refused a second message of the same kind from one client in one round. */
const isReplay = (err: unknown) => err instanceof pg.DatabaseError && err.code === UNIQUE_VIOLATION && err.constraint === 'round_events_once';

interface WaitingAppend {
  event: Omit<RoundEvent, 'seq'>;
  resolve: (seq: number) => void;
  reject: (err: unknown) => void;
}

interface RoundRow {
  id: string;
  merchant: string;
  model_version: string;
  config: string;
  state: RoundState;
  // BIGINT columns arrive as strings: `pg` will not guess that they fit a double.
  opened_at: string;
  closed_at: string | null;
  outcome: string | null;
}

interface EventRow {
  seq: number;
  kind: string;
  client: number | null;
  payload: Buffer;
  at: string;
}

const toRound = (row: RoundRow): RoundRecord => ({
  id: row.id,
  merchant: row.merchant,
  modelVersion: row.model_version,
  config: JSON.parse(row.config) as unknown,
  state: row.state,
  openedAt: Number(row.opened_at),
  closedAt: row.closed_at === null ? null : Number(row.closed_at),
  outcome: row.outcome === null ? null : (JSON.parse(row.outcome) as unknown),
});

/**
 * `url` with `synchronous_commit = on` among its connections' startup options: acknowledging an
 * upload promises it is on disk whatever the cluster's default, and a setting given at connection
 * start wins over postgresql.conf. Appended after any options the URL has, so it is the one that holds.
 */
function withDurableCommits(url: string): string {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (parsed?.protocol !== 'postgres:' && parsed?.protocol !== 'postgresql:') {
    // The URL is not repeated: it may hold a password.
    throw new Error('the PostgreSQL URL is not a postgres:// URL (expected postgres://user:password@host:port/database)');
  }
  parsed.searchParams.set('options', `${parsed.searchParams.get('options') ?? ''} -c synchronous_commit=on`.trim());
  return parsed.href;
}

export interface PostgresRoundStoreOptions {
  /** Where the tables live (created if missing); a plain lower-case SQL identifier. Default "privet". */
  schema?: string;
  /** Connections kept open; appends to different rounds run in parallel across them. Default 10. */
  maxConnections?: number;
}

export class PostgresRoundStore implements RoundStore {
  readonly #pool: pg.Pool;
  /** Quoted, so that a schema named like an SQL keyword works too. */
  readonly #schema: string;
  /** Per round, the appends not yet sent to the database; a round is here while a batch of it is being written. */
  readonly #waiting = new Map<string, WaitingAppend[]>();

  private constructor(pool: pg.Pool, schema: string) {
    this.#pool = pool;
    this.#schema = schema;
  }

  /** Connects to `url` (postgres://user:password@host:port/database) and creates the schema if missing. */
  static async open(url: string, options: PostgresRoundStoreOptions = {}): Promise<PostgresRoundStore> {
    const schema = options.schema ?? 'privet';
    // Interpolated into SQL (quoted), so only a plain identifier is accepted.
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`PostgreSQL schema "${schema}" must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63 characters)`);
    const pool = new pg.Pool({ connectionString: withDurableCommits(url), max: options.maxConnections ?? 10 });
    // An idle connection that breaks (the database restarted) is dropped by the pool and replaced on
    // the next query, where any lasting outage surfaces as that query's error; unheard, this event
    // would crash the server.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      try {
        // Two servers starting at once would race on CREATE … IF NOT EXISTS (it is not atomic in the catalog).
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`privet-round-store:${schema}`]);
        await client.query(schemaSql(`"${schema}"`));
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresRoundStore(pool, `"${schema}"`);
  }

  async createRound(round: Omit<RoundRecord, 'state' | 'closedAt' | 'outcome'>): Promise<void> {
    await this.#pool.query(
      `INSERT INTO ${this.#schema}.rounds (id, merchant, model_version, config, state, opened_at) VALUES ($1, $2, $3, $4, 'open', $5)`,
      [round.id, round.merchant, round.modelVersion, JSON.stringify(round.config), round.openedAt],
    );
  }

  async round(id: string): Promise<RoundRecord | null> {
    const { rows } = await this.#pool.query<RoundRow>(`SELECT * FROM ${this.#schema}.rounds WHERE id = $1`, [id]);
    return rows[0] ? toRound(rows[0]) : null;
  }

  async rounds(filter: { merchant?: string; state?: RoundState } = {}): Promise<RoundRecord[]> {
    const { rows } = await this.#pool.query<RoundRow>(
      `SELECT * FROM ${this.#schema}.rounds WHERE ($1::text IS NULL OR merchant = $1) AND ($2::text IS NULL OR state = $2) ORDER BY opened_at DESC, id DESC`,
      [filter.merchant ?? null, filter.state ?? null],
    );
    return rows.map(toRound);
  }

  appendEvent(roundId: string, event: Omit<RoundEvent, 'seq'>): Promise<number> {
    return new Promise((resolve, reject) => {
      const waiting = this.#waiting.get(roundId);
      if (waiting) return void waiting.push({ event, resolve, reject });
      this.#waiting.set(roundId, [{ event, resolve, reject }]);
      void this.#writeWaiting(roundId);
    });
  }

  /**
   * Writes a round's waiting appends, batch after batch, until none is left. Appends to one round
   * are ordered by its row lock, held until the commit is on disk; appends that arrive meanwhile
   * go in the next batch, which commits (and flushes) once for all of them.
   */
  async #writeWaiting(roundId: string): Promise<void> {
    for (;;) {
      const waiting = this.#waiting.get(roundId)!;
      if (waiting.length === 0) {
        this.#waiting.delete(roundId);
        return;
      }
      let count = 0;
      for (let bytes = 0; count < Math.min(waiting.length, MAX_BATCH_APPENDS); count++) {
        bytes += waiting[count]!.event.payload.byteLength;
        if (count > 0 && bytes > MAX_BATCH_BYTES) break;
      }
      const batch = waiting.splice(0, count);
      try {
        const seqs = await this.#insert(roundId, batch.map((append) => append.event));
        batch.forEach((append, i) => append.resolve(seqs[i]!));
      } catch (err) {
        if (batch.length > 1 && isReplay(err)) {
          // Some append in the batch is a replay: write them one by one, so that only it is refused.
          for (const append of batch) await this.#insert(roundId, [append.event]).then((seqs) => append.resolve(seqs[0]!), append.reject);
        } else {
          batch.forEach((append) => append.reject(err));
        }
      }
    }
  }

  /**
   * Appends `events` in one statement, so in one transaction and one round trip: the open-round
   * check, the next seqs and the inserts commit together or not at all (a refused replay leaves
   * last_seq as it was). Returns their seqs in order.
   */
  async #insert(roundId: string, events: Omit<RoundEvent, 'seq'>[]): Promise<number[]> {
    // One row of parameters per event; payloads travel as binary parameters (in an array they would go as hex text).
    const rows = events.map((_, i) => `($${4 * i + 2}::text, $${4 * i + 3}::integer, $${4 * i + 4}::bytea, $${4 * i + 5}::bigint, ${i + 1})`);
    const values = events.flatMap((e) => [e.kind, e.client, Buffer.from(e.payload.buffer, e.payload.byteOffset, e.payload.byteLength), e.at]);
    let inserted: { seq: number }[];
    try {
      ({ rows: inserted } = await this.#pool.query<{ seq: number }>(
        `WITH bumped AS (
           UPDATE ${this.#schema}.rounds SET last_seq = last_seq + ${events.length}
           WHERE id = $1 AND state = 'open'
           RETURNING id, last_seq - ${events.length} AS base
         )
         INSERT INTO ${this.#schema}.round_events (round_id, seq, kind, client, payload, at)
         SELECT bumped.id, bumped.base + e.n, e.kind, e.client, e.payload, e.at
         FROM bumped, (VALUES ${rows.join(', ')}) AS e (kind, client, payload, at, n)
         RETURNING seq`,
        [roundId, ...values],
      ));
    } catch (err) {
      if (events.length === 1 && isReplay(err)) {
        throw new DuplicateRoundEventError(`client ${events[0]!.client} already sent "${events[0]!.kind}" in round ${roundId}`);
      }
      throw err;
    }
    if (inserted.length === events.length) return inserted.map((row) => row.seq).sort((a, b) => a - b);
    const round = await this.round(roundId);
    throw new RoundNotOpenError(round ? `round ${roundId} is ${round.state}` : `no round ${roundId}`);
  }

  async events(roundId: string): Promise<RoundEvent[]> {
    const { rows } = await this.#pool.query<EventRow>(`SELECT seq, kind, client, payload, at FROM ${this.#schema}.round_events WHERE round_id = $1 ORDER BY seq`, [roundId]);
    return rows.map((row) => ({ ...row, payload: new Uint8Array(row.payload.buffer, row.payload.byteOffset, row.payload.byteLength), at: Number(row.at) }));
  }

  async closeRound(id: string, state: Exclude<RoundState, 'open'>, outcome: unknown, at: number): Promise<void> {
    const result = await this.#pool.query(
      `UPDATE ${this.#schema}.rounds SET state = $1, outcome = $2, closed_at = $3 WHERE id = $4 AND state = 'open'`,
      [state, JSON.stringify(outcome ?? null), at, id],
    );
    if (result.rowCount !== 1) {
      const round = await this.round(id);
      throw new RoundNotOpenError(round ? `round ${id} is already ${round.state}` : `no round ${id}`);
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
