import { createHash, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import type { Clock } from '../../clock.js';
import { logOutagesOnce } from '../../redis.js';
import type { Admission, BudgetSettings, RateBudget, Refusal } from './rate-budget.js';

// The budget shared by every replica that uses one OAuth client (Genesys counts per client): a
// sorted set of send times and a pause key in Redis, read and written by one atomic script each,
// on Redis' clock so that replicas whose clocks differ still count one window. The keys carry a
// hash of the client id, never the id. What a replica learns (spent until, paused until) it keeps
// locally, so it refuses at once without asking again. When Redis cannot be reached nothing is
// sent: a replica cannot know what the others sent, and guessing could exceed the client's limit
// for every integration that uses it (docs/genesys-data-actions.md, "The Platform API budget").

const TAKE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, window, reserve = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local left = limit - redis.call('ZCARD', KEYS[1])
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return {'paused', paused, left} end
if left <= reserve then
  local nth = redis.call('ZRANGE', KEYS[1], reserve - left, reserve - left, 'WITHSCORES')
  return {'spent', tonumber(nth[2]) + window - now, left}
end
redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return {'ok', 0, left - 1}`;

// A pause only ever grows: a shorter Retry-After does not cut a longer one short.
const PAUSE = `if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 1`;

const READY_WAIT_MS = 2000;
const OUTAGE = 'Genesys API budget: Redis unavailable; no Genesys API request is sent until it is back';

type BudgetRedis = Redis & {
  genesysTake(log: string, pause: string, limit: number, windowMs: number, reserve: number, member: string):
    Promise<[string, number, number]>;
  genesysPause(pause: string, ms: number): Promise<number>;
};

/** The Redis keys of one OAuth client's budget; the hash tag keeps both in one cluster slot. */
export function budgetKeys(clientId: string) {
  const hash = createHash('sha256').update(clientId).digest('hex').slice(0, 16);
  return { log: `gdas:genesys-api:{${hash}}:sent`, pause: `gdas:genesys-api:{${hash}}:paused` };
}

export async function redisRateBudget(
  settings: BudgetSettings & { url: string; clientId: string },
  deps: { clock: Clock; log: FastifyBaseLogger },
): Promise<RateBudget> {
  const { limit, windowMs } = settings;
  const { clock } = deps;
  const redis = new Redis(settings.url, {
    // A caller is on the line: fail at once while Redis is away instead of queueing commands.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    commandTimeout: 250,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  }) as BudgetRedis;
  redis.defineCommand('genesysTake', { numberOfKeys: 2, lua: TAKE });
  redis.defineCommand('genesysPause', { numberOfKeys: 1, lua: PAUSE });
  logOutagesOnce(redis, deps.log, OUTAGE);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, READY_WAIT_MS);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });

  const keys = budgetKeys(settings.clientId);
  const member = randomUUID();
  let sequence = 0;
  let known: { reason: Refusal; until: number } | undefined;
  let remaining = limit;

  const refuse = (reason: Refusal, retryInMs?: number): Admission => ({ ok: false, reason, retryInMs, remaining });
  const learn = (reason: Refusal, ms: number) => {
    const until = clock.now() + ms;
    if (known === undefined || until > known.until) known = { reason, until };
  };

  return {
    limit,
    async take(reserve = 0) {
      const now = clock.now();
      if (known && now < known.until) return refuse(known.reason, known.until - now);
      let answer: [string, number, number];
      try {
        answer = await redis.genesysTake(keys.log, keys.pause, limit, windowMs, reserve, `${member}:${++sequence}`);
      } catch {
        return refuse('store_unavailable');
      }
      const [outcome, retryInMs, left] = answer;
      remaining = left;
      if (outcome === 'ok') return { ok: true, remaining };
      const reason = outcome === 'paused' ? 'paused' : 'spent';
      // A refusal that kept a reserve says nothing about the requests that keep none.
      if (reserve === 0 || reason === 'paused') learn(reason, retryInMs);
      return refuse(reason, retryInMs);
    },
    blocked() {
      const now = clock.now();
      return known && now < known.until ? { reason: known.reason, retryInMs: known.until - now } : undefined;
    },
    async pause(ms) {
      learn('paused', ms);
      await redis.genesysPause(keys.pause, Math.ceil(ms)).catch(() => undefined);
    },
    remaining: () => remaining,
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
