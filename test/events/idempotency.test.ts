import { describe, expect, it } from 'vitest';
import {
  buildEventsApp, makeEvent, metric, post, readRecords, reverseKeys, sharedEventsApp, until,
} from './helpers.js';

// IETF draft-ietf-httpapi-idempotency-key-header (and Stripe): a key names one payload. The same
// key with another payload is refused (422), the same payload again is a duplicate.
const REUSED = { code: 'IDEMPOTENCY_KEY_REUSED', message: expect.any(String) };
const newKey = () => `idem-${Date.now()}-${Math.random()}`;

describe('a reused Idempotency-Key (file sink, memory store)', () => {
  const shared = sharedEventsApp();
  const storedIds = async () => (await readRecords(shared.dir)).map((r) => r.id);

  it('answers 422 to another event under a stored key, stores nothing, and the same event is a duplicate', async () => {
    const key = newKey();
    const [first, other] = [makeEvent(), makeEvent()];
    expect((await post(shared.app, first, { 'idempotency-key': key })).json().accepted).toBe(1);

    const refused = await post(shared.app, other, { 'idempotency-key': key });
    expect(refused.statusCode).toBe(422);
    expect(refused.headers['retry-after']).toBeUndefined();
    expect(refused.json().error).toEqual({ ...REUSED, fields: { 'idempotency-key': expect.any(String) } });
    expect(await storedIds()).not.toContain(other.id);
    expect(await metric(shared.app, 'ingest_events_total{result="reused"}')).toBe(1);

    // "The same payload" is the canonical JSON: key order does not count.
    const again = await post(shared.app, reverseKeys(first), { 'idempotency-key': key });
    expect(again.json().results).toEqual([{ id: first.id, status: 'duplicate' }]);
    expect((await storedIds()).filter((id) => id === first.id)).toHaveLength(1);
  });

  it('refuses the whole array when one event differs, naming it, with nothing of the request stored', async () => {
    const key = newKey();
    const [a, b, c, d] = [makeEvent(), makeEvent(), makeEvent(), makeEvent()];
    expect((await post(shared.app, [a, b], { 'idempotency-key': key })).json().accepted).toBe(2);
    const refused = await post(shared.app, [a, c, d], { 'idempotency-key': key });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toEqual({ ...REUSED, fields: { 1: expect.any(String) } });
    // d, under the new key "key:2", was not stored either.
    expect(await storedIds()).not.toContain(d.id);
    const again = await post(shared.app, [a, b], { 'idempotency-key': key });
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 2 });
    const longer = await post(shared.app, [a, b, d], { 'idempotency-key': key });
    expect(longer.json()).toMatchObject({ accepted: 1, duplicates: 2 });
  });

  it('answers a concurrent twin with another payload 429, and its retry 422 once the first is stored', async () => {
    // A long linger keeps the first event pending while the second arrives.
    const slow = await buildEventsApp({ BATCH_MAX_WAIT_MS: '1000' });
    const key = newKey();
    const [first, other] = [makeEvent(), makeEvent()];
    const firstAnswer = post(slow, first, { 'idempotency-key': key });
    await until(async () => (await metric(slow, 'ingest_pending_events')) === 1, 'the first event to be pending');
    const busy = await post(slow, other, { 'idempotency-key': key });
    expect(busy.statusCode).toBe(429);
    expect(busy.headers['retry-after']).toBe('1');
    expect(busy.json().error.code).toBe('EVENT_IN_PROGRESS');
    expect((await firstAnswer).statusCode).toBe(200);
    expect((await post(slow, other, { 'idempotency-key': key })).statusCode).toBe(422);
    expect((await readRecords(slow.config.ingest.fileDir)).map((r) => r.id)).toEqual([first.id]);
    await slow.close();
  });
});

describe('a reused Idempotency-Key after a restart', () => {
  it('is still refused: the fingerprint is in the sink\'s record and warms the memory store', async () => {
    const key = newKey();
    const [first, other] = [makeEvent(), makeEvent()];
    const before = await buildEventsApp();
    const dir = before.config.ingest.fileDir;
    expect((await post(before, first, { 'idempotency-key': key })).json().accepted).toBe(1);
    await before.close();
    const [record] = await readRecords(dir);
    expect(record).toMatchObject({ id: first.id, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const after = await buildEventsApp({ INGEST_FILE_DIR: dir });
    expect((await post(after, other, { 'idempotency-key': key })).statusCode).toBe(422);
    expect((await post(after, first, { 'idempotency-key': key })).json().duplicates).toBe(1);
    expect((await readRecords(dir)).map((r) => r.id)).toEqual([first.id]);
    await after.close();
  });
});
