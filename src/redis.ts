import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';

/**
 * ioredis emits an error on every failed reconnect attempt while Redis is down: log the first
 * of each outage only, and again after Redis was back (dedup store and rate limit share this).
 */
export function logOutagesOnce(redis: Redis, log: FastifyBaseLogger, message: string) {
  let reported = false;
  redis.on('error', (err) => {
    if (!reported) log.warn({ err }, message);
    reported = true;
  });
  redis.on('ready', () => { reported = false; });
}
