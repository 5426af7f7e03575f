import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import type { FastifyRequest, preParsingAsyncHookHandler } from 'fastify';
import { errors } from '../errors.js';
import { logOutagesOnce } from '../redis.js';

const DATA_ACTIONS = '/v1/data-actions/';
const REDIS_NAMESPACE = 'gdas:rate-limit:';

/** A Redis that fails fast: a caller is on the line, so a slow store must not hold the request. */
function redisClient(url: string) {
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
 * Inbound rate limit on /v1/data-actions/* only, per credential (`request.principal`), shared
 * through Redis when REDIS_URL is set. @fastify/rate-limit is registered with `global: false`
 * and this plugin attaches its limiter (`app.rateLimit()`, one store for the whole family, so a
 * credential has one budget whatever route it calls) to matching routes from an onRoute hook:
 * the route files need no rate-limit option, and the events routes are untouched.
 * It runs in preParsing: after the onRequest hooks (authentication sets the principal) and
 * before the body is read, so an over-limit caller costs no parsing.
 */
export default fp(async (app) => {
  const { max, windowMs } = app.config.rateLimit;
  const redis = app.config.redisUrl ? redisClient(app.config.redisUrl) : undefined;
  if (redis) {
    logOutagesOnce(redis, app.log, 'rate-limit Redis unavailable; requests are not limited until it is back');
    await redis.connect().catch(() => undefined);
    app.addHook('onClose', async () => { redis.disconnect(); });
  }

  await app.register(rateLimit, {
    global: false,
    max,
    timeWindow: windowMs,
    hook: 'preParsing',
    keyGenerator: (request: FastifyRequest) => request.principal ?? `ip:${request.ip}`,
    skipOnError: true,
    ...(redis && { redis, nameSpace: REDIS_NAMESPACE }),
    errorResponseBuilder: (_request, context) => errors.rateLimited(Math.max(1, Math.ceil(context.ttl / 1000))),
  });

  const limiter = app.rateLimit() as unknown as preParsingAsyncHookHandler;
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(DATA_ACTIONS) || route.config?.rateLimit !== undefined) return;
    const existing = route.preParsing;
    route.preParsing = [...(Array.isArray(existing) ? existing : existing ? [existing] : []), limiter];
  });
}, { name: 'rate-limit', dependencies: ['config', 'error-handler'] });
