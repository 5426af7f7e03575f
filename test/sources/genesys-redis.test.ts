import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { budgetKeys } from '../../src/sources/genesys/rate-budget-redis.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { dataActionApp } from '../data-actions/helpers.js';
import { startProxy } from '../events/proxy.js';
import { manualClock, until } from '../helpers/clock.js';
import { REDIS_URL, serverAvailable } from '../helpers/services.js';

const redisUp = await serverAvailable('Redis');

// Replicas that use one OAuth client share one budget and one pause through Redis. The simulator
// has an OAuth client of its own for this file, so no other file's replicas count against it.

describe.skipIf(!redisUp)('the Genesys API budget shared through Redis', () => {
  const clientId = `budget-test-${randomUUID()}`;
  const keys = budgetKeys(clientId);
  const redis = new Redis(REDIS_URL);
  let sim: Simulator;
  let apps: { close(): Promise<unknown> }[] = [];
  beforeAll(async () => { sim = await startSimulator({ clientId }); });
  beforeEach(async () => { await redis.del(keys.log, keys.pause); });
  afterEach(async () => {
    await Promise.all(apps.map((a) => a.close()));
    apps = [];
    sim.reset();
    sim.configure({ apiRateLimitPerMinute: 0 });
  });
  afterAll(async () => {
    await redis.del(keys.log, keys.pause);
    redis.disconnect();
    await sim.close();
  });

  async function replica(env: Record<string, string> = {}, overrides = {}) {
    const ctx = await dataActionApp(sim, { GENESYS_CLIENT_ID: clientId, REDIS_URL, ...env }, overrides);
    apps.push(ctx.app);
    const lookup = async (id: string) => (await ctx.post('genesys-user', { userId: id })).json().user;
    return { ...ctx, lookup };
  }

  it('never lets the replicas together send more than the limit in a window, however many lookups race', async () => {
    sim.configure({ apiRateLimitPerMinute: 6 });
    const env = { GENESYS_RATE_LIMIT_PER_MINUTE: '6', GENESYS_TIMEOUT_MS: '1000' };
    const replicas = [await replica(env), await replica(env)];
    const callers = Array.from({ length: 10 }, (_, c) => (async () => {
      const statuses: string[] = [];
      for (let i = 0; i < 10; i += 1) statuses.push((await replicas[(c + i) % 2]!.lookup(`agent-${c}-${i}`)).status);
      return statuses;
    })());
    const statuses = (await Promise.all(callers)).flat();
    expect(new Set(statuses)).toEqual(new Set(['ok', 'rate_limited']));
    expect(sim.rateLimitStats()).toMatchObject({ received: 6, throttled: 0, maxPerWindow: 6 });
    expect(await redis.zcard(keys.log)).toBe(6);
    // The keys name a hash of the client, never the client id itself.
    expect(await redis.keys(`*${clientId}*`)).toEqual([]);
    expect(keys.log).not.toContain(clientId);
  });

  it('pauses every replica after a 429, until its Retry-After', async () => {
    const env = { GENESYS_TIMEOUT_MS: '500' }; // a Retry-After of 1 s does not fit: no retry inside the lookup
    const [a, b] = [await replica(env), await replica(env)];
    sim.setFault('users', { kind: 'status', status: 429, retryAfter: { seconds: 1, format: 'seconds' }, times: 1 });
    expect((await a.lookup('u-1')).status).toBe('rate_limited');
    const pttl = await redis.pttl(keys.pause);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(1000);
    expect((await b.lookup('u-2')).error).toBe('genesys calls are held: paused after a 429 (retry after 1 s)');
    expect(sim.hits('users')).toBe(1);
    expect(await b.metric('genesys_api_budget_refusals_total', { request: 'users_bulk', reason: 'paused' })).toBe(1);
    await until(async () => (await b.lookup('u-2')).status === 'ok', 'the end of the pause');
    expect(sim.hits('users')).toBe(2);
  });

  it('sends nothing while Redis cannot be reached, serving the cached user stale, and recovers by itself', async () => {
    const proxy = await startProxy(REDIS_URL);
    const { clock, advance } = manualClock();
    const { lookup, metric } = await replica({ REDIS_URL: proxy.url(''), USER_CACHE_TTL_MS: '10000' }, { clock });
    expect((await lookup('u-1')).status).toBe('ok');
    await proxy.down();
    await advance(10_001);
    expect(await lookup('u-1')).toMatchObject({ status: 'ok', stale: true, id: 'u-1' });
    expect(await lookup('u-2')).toMatchObject({
      status: 'rate_limited', error: 'genesys calls are held: the shared API budget (Redis) cannot be reached',
    });
    expect(sim.hits('users')).toBe(1); // nor did the refresh-ahead, which tried before the TTL ran out
    const refused = await metric('genesys_api_budget_refusals_total', { reason: 'store_unavailable' });
    expect(refused).toBeGreaterThanOrEqual(2);
    await proxy.up();
    // ioredis reconnects on its own timer; the misses asked meanwhile spend the pace, so time goes on too.
    await until(async () => {
      await advance(250);
      return (await lookup('u-2')).status === 'ok';
    }, 'Redis to be back');
    // The refresh-ahead may have refreshed u-1 first, once Redis was back.
    expect(sim.requests('users').slice(1).flatMap((r) => new URLSearchParams(r.url.split('?')[1]).getAll('id')))
      .toContain('u-2');
    await proxy.down();
  });
});
