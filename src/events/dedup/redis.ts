import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import { logOutagesOnce } from '../../redis.js';
import { doneValue, outcomeOf, type ClaimOutcome, type DedupStore } from './types.js';

export interface RedisStoreOptions {
  url: string;
  ttlSeconds: number;
  log: FastifyBaseLogger;
  keyPrefix?: string;
}

/**
 * How long a claim outlives a replica that died mid-write. It must exceed the longest write
 * (queue wait plus a sink budget under EventBridge's 5 s); until it expires, redeliveries of that
 * event get 429 and EventBridge retries them later.
 */
const CLAIM_TTL_MS = 60_000;
const READY_WAIT_MS = 2000;

// Claim and read the current state in one atomic step. A claim holds its owner's token.
const CLAIM = `if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[1]) then return 'claimed' end
return redis.call('GET', KEYS[1])`;
// Release only our own claim: if it expired during a slow write and another replica has since
// stored the event and marked it done, deleting that would let the next redelivery in.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Dedup shared by every replica through Redis (docs/contract.md §3, when REDIS_URL is set). */
export async function createRedisStore(opts: RedisStoreOptions): Promise<DedupStore> {
  const prefix = opts.keyPrefix ?? 'gdas:dedup:';
  const redis = new Redis(opts.url, {
    // Fail fast while Redis is down (the request gets 503 and EventBridge retries) instead of
    // queueing commands in memory; ioredis keeps reconnecting in the background.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    enableAutoPipelining: true,
  });
  logOutagesOnce(redis, opts.log, 'redis dedup store unavailable; ingestion answers 503 until it is back');

  // Start even when Redis is down: readiness reports it and the service recovers when it returns.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, READY_WAIT_MS);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });

  const owner = `in-progress:${randomUUID()}`;
  return {
    name: 'redis',
    async claim(key, fingerprint): Promise<ClaimOutcome> {
      const state = await redis.eval(CLAIM, 1, prefix + key, CLAIM_TTL_MS, owner) as string | null;
      return state === 'claimed' ? state : outcomeOf(state ?? '', fingerprint);
    },
    // After a durable write "done" is true whoever holds the key now, so this one is unconditional.
    async commit(key, fingerprint) {
      await redis.set(prefix + key, doneValue(fingerprint), 'PX', opts.ttlSeconds * 1000);
    },
    async release(key) {
      await redis.eval(RELEASE, 1, prefix + key, owner);
    },
    async check() {
      await redis.ping();
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
