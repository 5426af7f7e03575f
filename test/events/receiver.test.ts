import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import {
  buildEventsApp, countByKey, fixture, makeEvent, metric, post, readRecords, republish, reverseKeys,
} from './helpers.js';

// The receiver with the default file sink, through app.inject: answers, stored lines, metrics.
describe('POST /v1/events/eventbridge (file sink)', () => {
  let app: App;
  let dir: string;
  beforeAll(async () => {
    app = await buildEventsApp();
    dir = app.config.ingest.fileDir;
  });
  afterAll(() => app.close());

  it('stores the real Genesys payloads as NDJSON lines {key, id, receivedAt, event}', async () => {
    const events = [fixture('genesys-conversation-customer-start'), fixture('genesys-audit-user-presence')];
    for (const event of events) {
      const res = await post(app, event);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ accepted: 1, duplicates: 0, results: [{ id: event.id, status: 'accepted' }] });
    }
    const records = await readRecords(dir);
    expect(records.map((r) => r.event)).toEqual(events);
    expect(records[0]).toEqual({ key: expect.stringMatching(/^[0-9a-f]{64}$/), id: events[0]!.id, receivedAt: expect.any(String), event: events[0] });
    expect(await metric(app, 'ingest_events_total{result="accepted"}')).toBeGreaterThanOrEqual(2);
  });

  it('answers 401 without the ingest key and stores nothing', async () => {
    const before = (await readRecords(dir)).length;
    const res = await post(app, makeEvent(), { 'x-api-key': 'wrong' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHORIZED');
    expect(await readRecords(dir)).toHaveLength(before);
  });

  const bad = (patch: Record<string, unknown>) => ({ ...makeEvent(), ...patch });
  it.each([
    ['a string', '"hello"', { body: expect.any(String) }],
    ['no detail', (() => { const { detail: _d, ...e } = makeEvent(); return e; })(), { detail: expect.any(String) }],
    ['detail as an array', bad({ detail: [] }), { detail: expect.any(String) }],
    ['a number id', bad({ id: 42 }), { id: expect.any(String) }],
    ['resources of numbers', bad({ resources: [1] }), { 'resources.0': expect.any(String) }],
    ['a time that is not a date', bad({ time: 'yesterday' }), { time: expect.any(String) }],
    ['an array with a bad element', [makeEvent(), makeEvent(), makeEvent(), bad({ detail: 'x' })],
      { '3.detail': expect.any(String) }],
    ['an empty array', [], { body: expect.any(String) }],
    ['101 events', Array.from({ length: 101 }, makeEvent), { body: expect.any(String) }],
  ])('answers 400 naming the fields for %s', async (_name, body, fields) => {
    const res = await post(app, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({ code: 'VALIDATION_FAILED', message: expect.any(String), fields });
  });

  it('answers 400 INVALID_JSON for a body that is not JSON', async () => {
    const res = await post(app, '{"version": "0",');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('INVALID_JSON');
  });

  it('answers 413 for a body over the limit', async () => {
    const event = makeEvent();
    (event.detail as Record<string, unknown>).padding = 'x'.repeat(app.config.ingest.bodyLimitBytes);
    const res = await post(app, event);
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('stores a redelivered, re-published or reordered event once and answers duplicate', async () => {
    const event = makeEvent();
    const twins = [event, republish(event), reverseKeys(republish(event))];
    const answers = [];
    for (const twin of twins) answers.push((await post(app, twin)).json());
    expect(answers.map((a) => a.results[0].status)).toEqual(['accepted', 'duplicate', 'duplicate']);
    expect(answers.map((a) => a.results[0].id)).toEqual(twins.map((t) => t.id));
    const stored = (await readRecords(dir)).filter((r) => r.id === event.id || twins.some((t) => t.id === r.id));
    expect(stored).toHaveLength(1);
    expect(await metric(app, 'ingest_events_total{result="duplicate"}')).toBeGreaterThanOrEqual(2);
  });

  it('uses the Idempotency-Key header as the key, with the index appended in an array', async () => {
    const key = `idem-${Date.now()}-${Math.random()}`;
    const a = makeEvent();
    expect((await post(app, a, { 'idempotency-key': key })).json().results[0].status).toBe('accepted');
    // The retry under the same key is a duplicate; the same event under a new key is not.
    expect((await post(app, reverseKeys(a), { 'idempotency-key': key })).json().results[0].status).toBe('duplicate');
    expect((await post(app, a, { 'idempotency-key': `${key}-2` })).json().results[0].status).toBe('accepted');
    const events = [makeEvent(), makeEvent()];
    const batch = await post(app, events, { 'idempotency-key': `${key}-batch` });
    expect(batch.json()).toMatchObject({ accepted: 2, duplicates: 0 });
    const retried = await post(app, events, { 'idempotency-key': `${key}-batch` });
    expect(retried.json()).toMatchObject({ accepted: 0, duplicates: 2 });
    // "K:0" on one event and "K" on an array's first event are different keys.
    expect((await post(app, events[0], { 'idempotency-key': `${key}-batch:0` })).json().accepted).toBe(1);
  });

  it('answers a mixed array event by event, in order', async () => {
    const [stored, fresh1, fresh2] = [makeEvent(), makeEvent(), makeEvent()];
    await post(app, stored);
    const body = [fresh1, republish(stored), fresh2, republish(fresh1)];
    const res = await post(app, body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      accepted: 2,
      duplicates: 2,
      results: body.map((e, i) => ({ id: e.id, status: i % 2 === 0 ? 'accepted' : 'duplicate' })),
    });
  });

  it('stores hundreds of concurrent twins exactly once, sharing sink writes', async () => {
    const events = Array.from({ length: 30 }, makeEvent);
    const batchesBefore = await metric(app, 'ingest_batch_size_count');
    const deliveries = events.flatMap((e) => Array.from({ length: 10 }, (_, i) => (i % 2 ? republish(e) : e)));
    const answers = await Promise.all(deliveries.map((d) => post(app, d)));
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    expect(answers.filter((a) => a.json().accepted === 1)).toHaveLength(events.length);
    const ids = new Set(events.map((e) => e.id));
    const stored = (await readRecords(dir)).filter((r) => ids.has(r.id));
    expect(stored).toHaveLength(events.length);
    expect([...countByKey(stored).values()].every((n) => n === 1)).toBe(true);
    // Group commit: 30 new events reached the sink in fewer writes than events.
    expect(await metric(app, 'ingest_batch_size_count') - batchesBefore).toBeLessThan(events.length);
  });
});
