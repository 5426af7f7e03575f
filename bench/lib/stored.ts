// After an ingestion run: what is really in the sink, compared with what the service acknowledged.
import { createReadStream, readdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';

export interface Stored {
  rows: number;
  distinctKeys: number;
  ids: Set<string>;
}

/** Every NDJSON line of the file sink's folder ({key, id, receivedAt, event}: docs/contract.md). */
export async function storedInFiles(dir: string): Promise<Stored> {
  const keys = new Set<string>();
  const ids = new Set<string>();
  let rows = 0;
  const files = readdirSync(dir).filter((f) => f.endsWith('.ndjson')).sort();
  for (const f of files) {
    for await (const line of createInterface({ input: createReadStream(path.join(dir, f)), crlfDelay: Infinity })) {
      if (line === '') continue;
      rows++;
      try {
        const r = JSON.parse(line) as { key?: string; id?: string };
        if (r.key) keys.add(r.key);
        if (r.id) ids.add(r.id);
      } catch {
        // a torn line is counted as a row but holds no event
      }
    }
  }
  return { rows, distinctKeys: keys.size, ids };
}

export async function storedInPostgres(databaseUrl: string, table: string): Promise<Stored> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const counts = await client.query<{ rows: string; keys: string }>(
      `SELECT count(*) AS rows, count(DISTINCT dedup_key) AS keys FROM ${table}`);
    const ids = await client.query<{ event_id: string }>(`SELECT event_id FROM ${table}`);
    return {
      rows: Number(counts.rows[0]!.rows),
      distinctKeys: Number(counts.rows[0]!.keys),
      ids: new Set(ids.rows.map((r) => r.event_id)),
    };
  } finally {
    await client.end();
  }
}

export async function dropTable(databaseUrl: string, table: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
  } finally {
    await client.end();
  }
}

/** Acknowledged envelope ids that the sink does not hold: must be 0. */
export function missing(acceptedIds: Set<string>, stored: Stored): number {
  let n = 0;
  for (const id of acceptedIds) if (!stored.ids.has(id)) n++;
  return n;
}

/**
 * The bench's own database on the server of `databaseUrl` (created when missing), so that the
 * PostgreSQL scenario drops and fills a table nobody else owns.
 */
export async function benchDatabase(databaseUrl: string, name = 'gdas_bench'): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.href;
}
