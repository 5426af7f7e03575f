import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_KEY, INGEST_KEY } from '../helpers/app.js';
import { DATABASE_URL, serverAvailable } from '../helpers/services.js';
import { makeEvent, until } from './helpers.js';
import { startProxy } from './proxy.js';
import { startService } from './service.js';

const postgresUp = await serverAvailable('PostgreSQL');
const PROCESS_TEST_TIMEOUT_MS = 90_000;

const postEvent = (url: string, event: unknown) => fetch(`${url}/v1/events/eventbridge`, {
  method: 'POST', headers: { 'x-api-key': INGEST_KEY, 'content-type': 'application/json' }, body: JSON.stringify(event),
});

/** EventBridge retries a 503 until it is stored: the answer that finally came. */
async function retryUntilStored(url: string, event: unknown) {
  let answer = await postEvent(url, event);
  await until(async () => {
    if (answer.status === 200) return true;
    answer = await postEvent(url, event);
    return answer.status === 200;
  }, 'ingestion to recover', 20_000);
  return answer.json() as Promise<{ accepted: number; results: { id: string; status: string }[] }>;
}

// The service as a real process with INGEST_SINK=postgres and no database yet: it must start,
// serve data actions, refuse events with 503 and recover by itself, logging where it looks.
describe.skipIf(!postgresUp)('PostgreSQL sink unavailable at start (service processes)', () => {
  const admin = new pg.Pool({ connectionString: DATABASE_URL });
  const schema = `gdas_start_${randomBytes(4).toString('hex')}`;
  const database = `gdas_missing_${randomBytes(4).toString('hex')}`;
  beforeAll(() => admin.query(`CREATE SCHEMA ${schema}`));
  afterAll(async () => {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('starts without its database, serves data actions, answers 503, recovers when the database is back', async () => {
    const proxy = await startProxy(DATABASE_URL);
    await proxy.down();
    const url = new URL(proxy.url());
    url.password = 'pg-secret-in-the-url';
    url.search = `options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const service = await startService({ INGEST_SINK: 'postgres', DATABASE_URL: url.href });

    const action = await fetch(`${service.url}/v1/data-actions/customer-context`, {
      method: 'POST',
      headers: { 'x-api-key': DATA_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'c-1' }),
    });
    expect(action.status).toBe(200);
    const event = makeEvent();
    const refused = await postEvent(service.url, event);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ error: { code: 'SINK_UNAVAILABLE' } });
    expect(service.output()).toContain(`"host":"${url.host}","database":"test"`);
    expect(service.output()).not.toContain('pg-secret-in-the-url');

    await proxy.up();
    expect((await retryUntilStored(service.url, event)).results).toEqual([{ id: event.id, status: 'accepted' }]);
    const { rows } = await admin.query(`SELECT event_id FROM ${schema}.eventbridge_events`);
    expect(rows).toEqual([{ event_id: event.id }]);
    service.child.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);
    expect(service.output()).not.toContain('pg-secret-in-the-url');
    await proxy.down();
  }, PROCESS_TEST_TIMEOUT_MS);

  it('starts with a database that does not exist yet, then creates its table in it once it does', async () => {
    const url = new URL(DATABASE_URL);
    url.pathname = `/${database}`;
    const service = await startService({ INGEST_SINK: 'postgres', DATABASE_URL: url.href });
    const event = makeEvent();
    try {
      expect((await postEvent(service.url, event)).status).toBe(503);
      expect(service.output()).toContain(`"database":"${database}"`);
      await admin.query(`CREATE DATABASE ${database}`);
      expect((await retryUntilStored(service.url, event)).accepted).toBe(1);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    const db = new pg.Client({ connectionString: url.href });
    await db.connect();
    expect((await db.query('SELECT event_id FROM eventbridge_events')).rows).toEqual([{ event_id: event.id }]);
    await db.end();
  }, PROCESS_TEST_TIMEOUT_MS);
});
