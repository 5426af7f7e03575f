import { describe, expect, it } from 'vitest';
import { MAX_EVENT_DEPTH } from '../../src/events/schemas.js';
import {
  buildEventsApp, makeEvent, nestedDetail, post, readLines, readRecords, sharedEventsApp, withDetail,
} from './helpers.js';

// Events built to hurt: nested past the stack, or holding values no sink can store. Each is
// refused alone, before any hashing or writing, and leaves the receiver as it found it.
describe('poison events (file sink)', () => {
  const shared = sharedEventsApp();

  const storedIds = async () => new Set((await readRecords(shared.dir)).map((r) => r.id));

  it(`refuses an event nested past ${MAX_EVENT_DEPTH} levels with 400 naming its field, stores one at it`, async () => {
    const sound = [makeEvent(), makeEvent(), makeEvent()].map((e) => JSON.stringify(e));
    const cases = [
      { body: withDetail(nestedDetail(MAX_EVENT_DEPTH + 1)), field: 'detail' },
      { body: withDetail(nestedDetail(5000, 'arrays')), field: 'detail' },
      { body: `[${sound.join(',')},${withDetail(nestedDetail(20_000))}]`, field: '3.detail' },
    ];
    for (const { body, field } of cases) {
      const res = await post(shared.app, body);
      expect(res.statusCode).toBe(400);
      const problem = `is nested deeper than ${MAX_EVENT_DEPTH} levels`;
      expect(res.json().error).toEqual({
        code: 'VALIDATION_FAILED', message: expect.any(String),
        fields: { [field]: problem },
      });
    }
    // The array's three sound events were refused with it: nothing of the request is stored.
    expect(await readRecords(shared.dir)).toEqual([]);

    const atLimit = makeEvent();
    const res = await post(shared.app, withDetail(nestedDetail(MAX_EVENT_DEPTH), atLimit));
    expect(res.json()).toEqual({ accepted: 1, duplicates: 0, results: [{ id: atLimit.id, status: 'accepted' }] });
    expect(await storedIds()).toEqual(new Set([atLimit.id]));
  });

  it('refuses with 400 what a sink cannot store: \\u0000, unpaired surrogates, numbers beyond a double', async () => {
    const before = await storedIds();
    const bodies = [
      withDetail('{"text":"a\\u0000b"}'),
      withDetail('{"text":"\\ud800 alone"}'),
      withDetail('{"text":"\\udc00"}'),
      withDetail('{"n":1e400}'),
      withDetail('{"n":-1e-400}'),
    ];
    for (const body of bodies) {
      const res = await post(shared.app, body);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toEqual({
        code: 'VALIDATION_FAILED', message: expect.any(String),
        fields: { detail: expect.any(String) },
      });
    }
    // A surrogate pair, an escaped backslash before "u0000" and a zero are sound.
    const sound = makeEvent();
    const body = withDetail('{"emoji":"\\ud83d\\ude00","text":"\\\\u0000","zero":0.0e10,"negative":-0}', sound);
    expect((await post(shared.app, body)).json().accepted).toBe(1);
    expect(await storedIds()).toEqual(new Set([...before, sound.id]));
  });

  it('stores the event as EventBridge sent it: numbers beyond 2^53 keep every digit', async () => {
    const event = makeEvent();
    const detail = '{"big":12345678901234567890123,"precise":0.1000000000000000055511151231257827,"exp":1E+2}';
    // Whitespace between tokens is not part of the event and would break the NDJSON line.
    const sent = withDetail(detail, event).replace('{"version"', '{ \n "version"');
    expect((await post(shared.app, sent)).json().accepted).toBe(1);
    const line = (await readLines(shared.dir)).find((l) => l.includes(event.id))!;
    expect(line).toContain(`"event":${withDetail(detail, event)}}`);
  });
});

describe('poison events and the ingestion queue', () => {
  it('keeps the queue open: as many deep events as INGEST_QUEUE_MAX, then a sound event is stored', async () => {
    const app = await buildEventsApp({ INGEST_QUEUE_MAX: '20' });
    const deep = withDetail(nestedDetail(5000));
    const refused = await Promise.all(Array.from({ length: 20 }, () => post(app, deep)));
    const batch = Array.from({ length: 20 }, makeEvent);
    const stored = await post(app, batch);
    expect(stored.statusCode).toBe(200);
    expect(stored.json().accepted).toBe(20);
    expect(refused.map((r) => r.statusCode)).toEqual(refused.map(() => 400));
    await app.close();
  });

  it('refuses a deep event with an Idempotency-Key alone: requests sharing its group commit are stored', async () => {
    // A linger gathers every request below into the same write.
    const app = await buildEventsApp({ BATCH_MAX_WAIT_MS: '50' });
    const events = Array.from({ length: 30 }, makeEvent);
    const deep = post(app, withDetail(nestedDetail(5000)), { 'idempotency-key': `deep-${Date.now()}` });
    const answers = await Promise.all(events.map((e) => post(app, e)));
    expect(answers.map((a) => a.statusCode)).toEqual(events.map(() => 200));
    expect((await deep).statusCode).toBe(400);
    const storedIds = (await readRecords(app.config.ingest.fileDir)).map((r) => r.id);
    expect(storedIds.sort()).toEqual(events.map((e) => e.id).sort());
    await app.close();
  });
});
