import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import pino from 'pino';
import { dedupKey } from '../../src/events/dedup-key.js';
import { createRedisStore } from '../../src/events/dedup/redis.js';
import { REDIS_URL, serverAvailable } from '../helpers/services.js';
import { buildEventsApp, countByKey, makeEvent, post, readRecords, republish } from './helpers.js';
import { startProxy } from './proxy.js';

const redisUp = await serverAvailable('Redis');

// Two replicas (two apps, each with its own file sink) share the Redis dedup store. Events are
// new in every run, so their keys never meet other files' keys; a short TTL cleans them up.
describe.skipIf(!redisUp)('Redis dedup store', () => {
  const env = { REDIS_URL, DEDUP_TTL_SECONDS: '120' };
  let replicas: App[];
  const redis = new Redis(REDIS_URL);
  beforeAll(async () => {
    replicas = [await buildEventsApp(env), await buildEventsApp(env)];
  });
  afterAll(async () => {
    await Promise.all(replicas.map((a) => a.close()));
    redis.disconnect();
  });

  it('stores each event once across two replicas receiving the same events at once', async () => {
    const events = Array.from({ length: 40 }, makeEvent);
    const deliveries = events.flatMap((e) => [e, republish(e), e, republish(e)]);
    // EventBridge retries a 429 (the twin is being stored by the other replica) until it gets 200.
    const deliver = async (event: (typeof deliveries)[number], i: number) => {
      for (;;) {
        const res = await post(replicas[i % 2]!, event);
        if (res.statusCode === 200) return res.json().results[0].status as string;
        expect(res.statusCode).toBe(429);
        expect(res.json().error.code).toBe('EVENT_IN_PROGRESS');
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const statuses = await Promise.all(deliveries.map(deliver));
    expect(statuses.filter((s) => s === 'accepted')).toHaveLength(events.length);
    const records = (await Promise.all(replicas.map((a) => readRecords(a.config.ingest.fileDir)))).flat();
    const ids = new Set(deliveries.map((d) => d.id));
    const stored = records.filter((r) => ids.has(r.id));
    expect(stored).toHaveLength(events.length);
    expect([...countByKey(stored).values()].every((n) => n === 1)).toBe(true);
    expect(await redis.get(`gdas:dedup:${stored[0]!.key}`)).toBe('done');
  });

  it('keeps the Idempotency-Key fingerprint in Redis: another replica refuses another payload', async () => {
    const key = `idem-${Date.now()}-${Math.random()}`;
    const [first, other] = [makeEvent(), makeEvent()];
    expect((await post(replicas[0]!, first, { 'idempotency-key': key })).json().accepted).toBe(1);
    const refused = await post(replicas[1]!, other, { 'idempotency-key': key });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await post(replicas[1]!, first, { 'idempotency-key': key })).json().duplicates).toBe(1);
    const ids = (await Promise.all(replicas.map((a) => readRecords(a.config.ingest.fileDir)))).flat().map((r) => r.id);
    expect(ids.filter((id) => id === first.id || id === other.id)).toEqual([first.id]);
  });

  it('answers 429 with retry-after while another replica holds the claim', async () => {
    const event = makeEvent();
    const key = `gdas:dedup:${dedupKey(event)}`;
    await redis.set(key, 'in-progress', 'PX', 60_000);
    const busy = await post(replicas[0]!, event);
    expect(busy.statusCode).toBe(429);
    expect(busy.headers['retry-after']).toBe('1');
    expect(busy.json().error.code).toBe('EVENT_IN_PROGRESS');
    // The other replica died mid-write; its claim expired.
    await redis.del(key);
    expect((await post(replicas[0]!, event)).json().accepted).toBe(1);
  });

  it("releases only its own claim, never the state another replica wrote after that claim expired", async () => {
    const store = await createRedisStore({
      url: REDIS_URL, ttlSeconds: 120, log: pino({ level: 'silent' }), keyPrefix: 'gdas:test-release:',
    });
    const key = `k-${Date.now()}-${Math.random()}`;
    expect(await store.claim(key)).toBe('claimed');
    expect(await store.claim(key)).toBe('busy');
    // Our claim expired mid-write; another replica stored the event and marked it done.
    await redis.set(`gdas:test-release:${key}`, 'done', 'PX', 60_000);
    await store.release(key); // our write failed after all
    expect(await redis.get(`gdas:test-release:${key}`)).toBe('done');
    expect(await store.claim(key)).toBe('done');

    const own = `${key}-own`;
    expect(await store.claim(own)).toBe('claimed');
    await store.release(own);
    expect(await redis.get(`gdas:test-release:${own}`)).toBeNull();
    await store.close();
  });

  it('answers 503 while Redis is unreachable, loses nothing acknowledged and recovers', async () => {
    const proxy = await startProxy(REDIS_URL);
    const app = await buildEventsApp({ ...env, REDIS_URL: proxy.url('') });
    const before = makeEvent();
    expect((await post(app, before)).json().accepted).toBe(1);

    await proxy.down();
    const during = makeEvent();
    const failed = await post(app, during);
    expect(failed.statusCode).toBe(503);
    expect(failed.headers['retry-after']).toBe('5');
    expect(failed.json().error.code).toBe('DEDUP_STORE_UNAVAILABLE');
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json().checks['dedup-store']).toMatch(/^failed/);

    await proxy.up();
    // ioredis reconnects by itself; EventBridge keeps retrying meanwhile.
    let retried = await post(app, during);
    while (retried.statusCode === 503) {
      await new Promise((r) => setTimeout(r, 100));
      retried = await post(app, during);
    }
    expect(retried.json().results).toEqual([{ id: during.id, status: 'accepted' }]);
    expect((await post(app, republish(before))).json().duplicates).toBe(1);
    expect((await readRecords(app.config.ingest.fileDir)).map((r) => r.id)).toEqual([before.id, during.id]);
    await app.close();
    await proxy.down();
  });
});
