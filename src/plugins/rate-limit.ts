import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { errors } from '../errors.js';
import { logOutagesOnce } from '../redis.js';

const REDIS_NAMESPACE = 'gdas:rate-limit:';

/** A Redis that fails fast: a caller is on the line, so a slow store must not hold the request. */
async function redisClient(url: string) {
  // ioredis is loaded only with REDIS_URL (docs/decisions.md, "Loaded when used").
  const { Redis } = await import('ioredis');
  return new Redis(url, {
    lazyConnect: true,
    connectTimeout: 500,
    commandTimeout: 250,
    maxRetriesPerRequest: 1,
    // Commands fail at once while disconnected instead of queueing (skipOnError lets them through).
    enableOfflineQueue: false,
  });
}

/**
 * Inbound rate limit per credential (`request.principal`), shared through Redis when REDIS_URL is
 * set. Registered with `global: false`: the routes that are limited (the data actions) put
 * `app.rateLimit()` in their own onRequest hooks, after authentication and before the body is read.
 */
export default fp(async (app) => {
  const { max, windowMs } = app.config.rateLimit;
  const redis = app.config.redisUrl ? await redisClient(app.config.redisUrl) : undefined;
  if (redis) {
    logOutagesOnce(redis, app.log, 'rate-limit Redis unavailable; requests are not limited until it is back');
    await redis.connect().catch(() => undefined);
    app.addHook('onClose', async () => { redis.disconnect(); });
  }

  await app.register(rateLimit, {
    global: false,
    max,
    timeWindow: windowMs,
    keyGenerator: (request: FastifyRequest) => request.principal ?? `ip:${request.ip}`,
    skipOnError: true,
    ...(redis && { redis, nameSpace: REDIS_NAMESPACE }),
    errorResponseBuilder: (_request, context) => errors.rateLimited(Math.max(1, Math.ceil(context.ttl / 1000))),
  });
}, { name: 'rate-limit', dependencies: ['config', 'error-handler'] });
