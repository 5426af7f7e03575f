import { createRequire } from 'node:module';
import type platformClient from 'purecloud-platform-client-v2';
import { z } from 'zod';
import { int, optional, retryPolicy, retryProblems, retryVariables, text, url } from '../../env.js';
import { defineSource, type SourceContext } from '../definition.js';
import { required, userId } from '../fields.js';
import { createUsersApi } from './api.js';
import { createApiGate } from './gate.js';
import { createTokenSource } from '../../http/oauth2.js';
import { emptyUser, TARGET, userData } from './model.js';
import { memoryRateBudget, type BudgetSettings } from './rate-budget.js';
import { createUserCache } from './user-cache.js';

// The Genesys Cloud user (agent), looked up with a client-credentials token (docs/genesys-data-actions.md):
// in bulk, cached and refreshed ahead, every Platform API request within the client-side budget
// GENESYS_RATE_LIMIT_PER_MINUTE, shared through Redis when REDIS_URL is set.

/**
 * The budget every replica shares through Redis; ioredis is loaded only then (docs/decisions.md,
 * "Loaded when used").
 */
async function sharedBudget(settings: BudgetSettings, url: string, clientId: string, ctx: SourceContext) {
  const { redisRateBudget } = await import('./rate-budget-redis.js');
  return redisRateBudget({ ...settings, url, clientId }, { clock: ctx.clock, log: ctx.log });
}

/** Genesys counts requests per minute; a request taken at t may reach it up to GENESYS_TIMEOUT_MS later. */
const GENESYS_WINDOW_MS = 60_000;

// The region list is the SDK's own, read only when GENESYS_REGION is set: the SDK is large, and a
// replica that never talks to Genesys should not load it.
const regions = () => new Set(Object.values(
  (createRequire(import.meta.url)('purecloud-platform-client-v2') as typeof platformClient).PureCloudRegionHosts));

export default defineSource({
  name: 'user',
  route: 'genesys-user',
  title: 'Genesys User',
  summary: 'The Genesys Cloud user (agent) with presence and routing status',
  target: TARGET,
  inputs: { userId: required(userId) },
  data: userData,
  empty: emptyUser,
  env: {
    GENESYS_REGION: optional(z.string().superRefine((region, ctx) => {
      const known = regions();
      if (!known.has(region)) {
        ctx.addIssue({ code: 'custom', message: `must be a Genesys Cloud region domain (${[...known].join(', ')})` });
      }
    })).transform((v) => v ?? 'mypurecloud.com')
      .meta({ description: 'Genesys Cloud region domain (checked against the SDK\'s list)' }),
    GENESYS_CLIENT_ID: text
      .meta({ description: 'OAuth client-credentials client; without it the user source is `skipped`' }),
    GENESYS_CLIENT_SECRET: text.meta({ description: 'its secret' }),
    GENESYS_API_URL: url.meta({ description: 'Platform API base URL, default `https://api.<region>` (proxies, the simulator)' }),
    GENESYS_LOGIN_URL: url.meta({ description: 'login base URL, default `https://login.<region>`' }),
    GENESYS_TIMEOUT_MS: int(1500, 50, 60_000).meta({ description: 'budget of the user source, retries included' }),
    ...retryVariables('GENESYS'),
    // The OAuth client's `client.credentials.token.rate.per.minute` (300 unless raised by Genesys).
    GENESYS_RATE_LIMIT_PER_MINUTE: int(300, 1, 100_000).meta({
      description: 'Platform API requests sent in any minute, retries included (token requests apart); per process, '
        + 'or shared by the replicas through Redis when `REDIS_URL` is set',
    }),
    USER_CACHE_TTL_MS: int(60_000, 0).meta({ description: 'freshness of a cached user' }),
    USER_KEEP_WARM_MS: int(600_000, 0).meta({
      description: 'users looked up within this time are refreshed in bulk before their TTL runs out; `0`: off',
    }),
  },
  check(env) {
    const problems = retryProblems(env, 'GENESYS');
    if (Boolean(env.GENESYS_CLIENT_ID) !== Boolean(env.GENESYS_CLIENT_SECRET)) {
      const missing = env.GENESYS_CLIENT_ID ? 'GENESYS_CLIENT_SECRET' : 'GENESYS_CLIENT_ID';
      problems.push(`${missing}: GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET go together`);
    }
    return problems;
  },
  settings(env) {
    if (!env.GENESYS_CLIENT_ID || !env.GENESYS_CLIENT_SECRET) return undefined;
    return {
      clientId: env.GENESYS_CLIENT_ID,
      clientSecret: env.GENESYS_CLIENT_SECRET,
      apiUrl: env.GENESYS_API_URL ?? `https://api.${env.GENESYS_REGION}`,
      loginUrl: env.GENESYS_LOGIN_URL ?? `https://login.${env.GENESYS_REGION}`,
      timeoutMs: env.GENESYS_TIMEOUT_MS,
      retry: retryPolicy(env, 'GENESYS'),
      rateLimitPerMinute: env.GENESYS_RATE_LIMIT_PER_MINUTE,
      cacheTtlMs: env.USER_CACHE_TTL_MS,
      keepWarmMs: env.USER_KEEP_WARM_MS,
    };
  },
  timeoutMs: (settings) => settings.timeoutMs,
  async create(settings, ctx) {
    const { clock } = ctx;
    const budgetSettings = { limit: settings.rateLimitPerMinute, windowMs: GENESYS_WINDOW_MS + settings.timeoutMs };
    const budget = ctx.redisUrl
      ? await sharedBudget(budgetSettings, ctx.redisUrl, settings.clientId, ctx)
      : memoryRateBudget(budgetSettings, clock);
    const gate = createApiGate(budget, ctx);
    // The client-credentials login (docs/decisions.md): expires_in is required in Genesys' answer.
    const tokens = createTokenSource({
      target: 'genesys login', tokenUrl: `${settings.loginUrl}/oauth/token`, clientId: settings.clientId,
      clientSecret: settings.clientSecret, timeoutMs: settings.timeoutMs, retry: settings.retry,
    }, ctx);
    const api = createUsersApi(settings, { http: ctx.http, tokens, gate });
    const users = createUserCache(settings, {
      api, gate, breaker: ctx.breaker(), clock, metrics: ctx.metrics, max: ctx.cacheMaxEntries,
    });
    return {
      load: (inputs, budget) => users.get(String(inputs.userId), budget),
      readiness: { 'genesys-login': tokens.ready },
      async close() {
        users.close();
        await gate.budget.close();
      },
    };
  },
});
