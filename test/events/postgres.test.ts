import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createPostgresSink } from '../../src/events/sinks/postgres.js';
import { DATABASE_URL, serverAvailable } from '../helpers/services.js';
import { buildEventsApp, makeEvent, metric, post, republish, until, withDetail } from './helpers.js';
import { startProxy } from './proxy.js';

const postgresUp = await serverAvailable('PostgreSQL');

// Each test file gets its own schema, selected through the connection's search_path, so the
// service's own table name is used and parallel files never meet.
describe.skipIf(!postgresUp)('PostgreSQL sink', () => {
  const schema = `gdas_events_${randomBytes(4).toString('hex')}`;
  const url = (base = DATABASE_URL) => `${base}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const admin = new pg.Pool({ connectionString: url() });
  const rows = async (ids: string[]) => (await admin.query(
    'SELECT dedup_key, event_id, event FROM eventbridge_events WHERE event_id = ANY($1)', [ids])).rows;
  const env = (extra: Record<string, string> = {}) => ({ INGEST_SINK: 'postgres', DATABASE_URL: url(), ...extra });

  beforeAll(async () => {
    await admin.query(`CREATE SCHEMA ${schema}`);
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  });

  it('creates its table and stores each event once as a row', async () => {
    const app = await buildEventsApp(env());
    const event = makeEvent();
    expect((await post(app, event)).json().accepted).toBe(1);
    expect((await post(app, republish(event))).json().duplicates).toBe(1);
    expect(await rows([event.id])).toEqual([{ dedup_key: expect.stringMatching(/^[0-9a-f]{64}$/), event_id: event.id, event }]);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json().checks.sink).toBe('ok');
    await app.close();
  });

  it('lets replicas that start together create the table once, and a restart still answers duplicates', async () => {
    const table = `race_${randomBytes(3).toString('hex')}`;
    for (let round = 0; round < 10; round++) {
      const sinks = await Promise.all(Array.from({ length: 4 }, () => createPostgresSink({
        connectionString: url(), poolMax: 2, table: `${table}_${round}`, log: pino({ level: 'silent' }),
      })));
      await Promise.all(sinks.map((sink) => sink.close()));
    }
    const restarted = await buildEventsApp(env());
    const event = makeEvent();
    expect((await post(restarted, event)).json().accepted).toBe(1);
    await restarted.close();
    // A new process has an empty memory store: the table's key still answers `duplicate`.
    const again = await buildEventsApp(env());
    expect((await post(again, republish(event))).json().results)
      .toEqual([{ id: expect.any(String), status: 'duplicate' }]);
    expect(await rows([event.id])).toHaveLength(1);
    await again.close();
  });

  it('stays idempotent after the dedup key expired', async () => {
    const app = await buildEventsApp(env({ DEDUP_TTL_SECONDS: '1' }));
    const event = makeEvent();
    expect((await post(app, event)).json().accepted).toBe(1);
    await new Promise((r) => setTimeout(r, 1100));
    const late = republish(event);
    expect((await post(app, late)).json().results).toEqual([{ id: late.id, status: 'duplicate' }]);
    expect(await rows([event.id, late.id])).toHaveLength(1);
    await app.close();
  });

  it('keeps the Idempotency-Key fingerprint in the table: a restarted service refuses another payload', async () => {
    const key = `idem-${Date.now()}-${Math.random()}`;
    const [first, other] = [makeEvent(), makeEvent()];
    const before = await buildEventsApp(env());
    expect((await post(before, first, { 'idempotency-key': key })).json().accepted).toBe(1);
    await before.close();
    // A new process: its memory store is empty, the table alone knows the key.
    const after = await buildEventsApp(env());
    const refused = await post(after, other, { 'idempotency-key': key });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await post(after, first, { 'idempotency-key': key })).json().duplicates).toBe(1);
    expect(await rows([first.id, other.id])).toEqual([expect.objectContaining({ event_id: first.id })]);
    await after.close();
  });

  it('stores the event as sent (numbers keep every digit) and refuses alone what jsonb cannot hold', async () => {
    // A linger gathers the requests below into one INSERT.
    const app = await buildEventsApp(env({ BATCH_MAX_WAIT_MS: '50' }));
    const big = makeEvent();
    const events = Array.from({ length: 10 }, makeEvent);
    const answers = await Promise.all([
      post(app, withDetail('{"text":"nul \\u0000 here"}')),
      post(app, withDetail('{"big":12345678901234567890123}', big)),
      ...events.map((e) => post(app, e)),
    ]);
    expect(answers.slice(1).map((a) => a.statusCode)).toEqual([big, ...events].map(() => 200));
    expect(answers[0]!.statusCode).toBe(400);
    const { rows: [row] } = await admin.query(
      "SELECT event->'detail'->>'big' AS big FROM eventbridge_events WHERE event_id = $1", [big.id]);
    expect(row).toEqual({ big: '12345678901234567890123' });
    expect(await rows([big.id, ...events.map((e) => e.id)])).toHaveLength(11);
    await app.close();
  });

  it('answers 503 while the table is missing, then stores the retried event', async () => {
    const app = await buildEventsApp(env());
    await admin.query('ALTER TABLE eventbridge_events RENAME TO eventbridge_events_away');
    const event = makeEvent();
    try {
      const failed = await post(app, event);
      expect(failed.statusCode).toBe(503);
      expect(failed.headers['retry-after']).toBe('5');
      expect(failed.json().error.code).toBe('SINK_UNAVAILABLE');
    } finally {
      await admin.query('ALTER TABLE eventbridge_events_away RENAME TO eventbridge_events');
    }
    expect((await post(app, event)).json().results).toEqual([{ id: event.id, status: 'accepted' }]);
    expect(await rows([event.id])).toHaveLength(1);
    await app.close();
  });

  it('answers 429 QUEUE_FULL past INGEST_QUEUE_MAX while the sink is slow', async () => {
    const app = await buildEventsApp(env({ INGEST_QUEUE_MAX: '2' }));
    const locker = await admin.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE eventbridge_events IN ACCESS EXCLUSIVE MODE');
    const waiting = [makeEvent(), makeEvent()];
    const answers = Promise.all(waiting.map((e) => post(app, e)));
    // The first insert waits on the lock, the second event waits in the queue.
    await until(async () => (await metric(app, 'ingest_pending_events')) === 1, 'a pending event');
    const refused = await post(app, makeEvent());
    await locker.query('COMMIT');
    locker.release();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json().error.code).toBe('QUEUE_FULL');
    expect((await answers).map((a) => a.statusCode)).toEqual([200, 200]);
    expect(await rows(waiting.map((e) => e.id))).toHaveLength(2);
    expect(await metric(app, 'ingest_events_total{result="rejected"}')).toBe(1);
    await app.close();
  });

  it('answers 503 while PostgreSQL is unreachable, loses nothing acknowledged and recovers', async () => {
    const proxy = await startProxy(DATABASE_URL);
    const app = await buildEventsApp(env({ DATABASE_URL: url(proxy.url()) }));
    const before = makeEvent();
    expect((await post(app, before)).statusCode).toBe(200);

    await proxy.down();
    const during = makeEvent();
    const failed = await post(app, during);
    expect(failed.statusCode).toBe(503);
    expect(failed.headers['retry-after']).toBeDefined();
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json().checks.sink).toMatch(/^failed/);

    await proxy.up();
    expect((await post(app, during)).json().results).toEqual([{ id: during.id, status: 'accepted' }]);
    expect((await post(app, republish(before))).json().duplicates).toBe(1);
    expect(await rows([before.id, during.id])).toHaveLength(2);
    await app.close();
    await proxy.down();
  });
});
