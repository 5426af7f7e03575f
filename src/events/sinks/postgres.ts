import pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';
import type { EventRecord, Sink } from './types.js';

export interface PostgresSinkOptions {
  connectionString: string;
  poolMax: number;
  /** Tests give each file its own table; the service uses the default. */
  table?: string;
  log: FastifyBaseLogger;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const COLUMNS = 5;

/**
 * Replicas starting together race on CREATE ... IF NOT EXISTS (23505, or 42710 on the table's
 * row type): a transaction-scoped advisory lock lets one create while the others wait. The
 * fingerprint column is added to tables created before it existed.
 */
async function createTable(pool: pg.Pool, table: string) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [table]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
      dedup_key text PRIMARY KEY,
      event_id text NOT NULL,
      received_at timestamptz NOT NULL,
      event jsonb NOT NULL)`);
    await client.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS fingerprint text`);
    await client.query(`CREATE INDEX IF NOT EXISTS ${table}_received_at ON ${table} (received_at)`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Where DATABASE_URL points, for the logs: host and database, never the credentials. */
function databaseTarget(connectionString: string) {
  const url = new URL(connectionString);
  return { host: url.host, database: decodeURIComponent(url.pathname.slice(1)) || url.username || 'postgres' };
}

/**
 * PostgreSQL sink (docs/contract.md §3): one multi-row INSERT per batch, idempotent on its own through the
 * primary key, so an event redelivered after its dedup key expired is still stored once. It starts
 * whether or not the database is reachable (the data actions do not need it): writes answer 503
 * until the table can be created, and the first write after that creates it.
 */
export async function createPostgresSink(opts: PostgresSinkOptions): Promise<Sink> {
  const table = opts.table ?? 'eventbridge_events';
  if (!IDENTIFIER.test(table)) throw new Error(`invalid table name ${table}`);
  const target = databaseTarget(opts.connectionString);
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.poolMax,
    // Fail within EventBridge's 5 s timeout instead of waiting on a dead server.
    connectionTimeoutMillis: 2000,
    query_timeout: 4000,
  });
  // An idle client losing its connection emits here; without a listener it would crash the process.
  pool.on('error', (err) => opts.log.warn({ err, ...target }, 'postgres sink: idle connection lost'));

  let ready: Promise<void> | undefined;
  const ensureTable = () => (ready ??= createTable(pool, table).then(
    () => opts.log.info({ ...target, table }, 'postgres sink: table ready'),
    (err: unknown) => {
      ready = undefined;
      throw err;
    },
  ));
  await ensureTable().catch((err: { code?: string; message?: string }) => opts.log.error(
    { code: err.code, reason: err.message, ...target },
    'postgres sink: database unavailable at start; ingestion answers 503 until it is reachable',
  ));

  return {
    name: 'postgres',
    async write(records: EventRecord[]) {
      await ensureTable();
      const row = (i: number) => Array.from({ length: COLUMNS }, (_, c) => `$${i * COLUMNS + c + 1}`).join(', ');
      const values = records.map((_, i) => `(${row(i)})`);
      const params = records.flatMap((r) => [r.key, r.id, r.receivedAt, r.event, r.fingerprint ?? null]);
      const { rows } = await pool.query<{ dedup_key: string }>(
        `INSERT INTO ${table} (dedup_key, event_id, received_at, event, fingerprint) VALUES ${values.join(', ')}
         ON CONFLICT (dedup_key) DO NOTHING RETURNING dedup_key`, params);
      const inserted = new Set(rows.map((r) => r.dedup_key));
      const held = records.map((r) => r.key).filter((k) => !inserted.has(k));
      if (held.length === 0) return new Map();
      const stored = await pool.query<{ dedup_key: string; fingerprint: string | null }>(
        `SELECT dedup_key, fingerprint FROM ${table} WHERE dedup_key = ANY($1)`, [held]);
      const fingerprints = new Map(stored.rows.map((r) => [r.dedup_key, r.fingerprint ?? undefined]));
      return new Map(held.map((k) => [k, fingerprints.get(k)]));
    },
    // Nothing to warm: the primary key is the dedup store of record (ON CONFLICT answers
    // `duplicate`), and reading a day of keys at start would only delay listening.
    async *recent() {
      yield* [];
    },
    async check() {
      await ensureTable();
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}
