import { createRequire } from 'node:module';
import type platformClient from 'purecloud-platform-client-v2';
import { z } from 'zod';
import { int, optional, retryPolicy, retryProblems, retryVariables, text, url } from '../../env.js';
import type { Budget } from '../../http/budget.js';
import { upstream, UpstreamError } from '../../http/errors.js';
import { createReadThroughCache } from '../cache.js';
import { defineSource } from '../definition.js';
import { required, textField, userId } from '../fields.js';
import { createTokenSource } from './login.js';

// The Genesys Cloud user (agent): GET {GENESYS_API_URL}/api/v2/users/{userId}?expand=presence,routingStatus
// with a client-credentials token (docs/contract.md, "Genesys Cloud user"), through the service's
// own transport (budget, 1 MiB, Retry-After) rather than the SDK's UsersApi (docs/decisions.md).
// The SDK types the answer and lists the regions.

const TARGET = 'genesys';

// The region list is the SDK's own, read only when GENESYS_REGION is set: the SDK is large, and a
// replica that never talks to Genesys should not load it.
const regions = () => new Set(Object.values(
  (createRequire(import.meta.url)('purecloud-platform-client-v2') as typeof platformClient).PureCloudRegionHosts));

export const userData = z.object({
  id: textField('Genesys user id', '6a3af858-942f-489d-9700-5f9bcdcdae9b'),
  name: textField('Display name', 'Jane Agent'),
  email: textField('Email', 'jane@example.com'),
  department: textField('Department', 'Support'),
  title: textField('Job title', 'Senior Agent'),
  presence: textField('System presence, e.g. Available', 'Available'),
  routingStatus: textField('ACD routing status, e.g. IDLE', 'IDLE'),
});
export type UserData = z.infer<typeof userData>;

const nullableText = z.string().nullish();
const rawUser = z.object({
  id: z.string(),
  name: nullableText,
  email: nullableText,
  department: nullableText,
  title: nullableText,
  presence: z.object({ presenceDefinition: z.object({ systemPresence: nullableText }).nullish() }).nullish(),
  routingStatus: z.object({ status: nullableText }).nullish(),
});

function toUser(body: platformClient.Models.User): UserData {
  const parsed = rawUser.safeParse(body);
  if (!parsed.success) throw upstream.badResponse(TARGET, 'an answer that is not a Genesys user');
  const u = parsed.data;
  return {
    id: u.id,
    name: u.name ?? '',
    email: u.email ?? '',
    department: u.department ?? '',
    title: u.title ?? '',
    presence: u.presence?.presenceDefinition?.systemPresence ?? '',
    routingStatus: u.routingStatus?.status ?? '',
  };
}

export default defineSource({
  name: 'user',
  route: 'genesys-user',
  title: 'Genesys User',
  summary: 'The Genesys Cloud user (agent) with presence and routing status',
  target: TARGET,
  inputs: { userId: required(userId) },
  data: userData,
  empty: { id: '', name: '', email: '', department: '', title: '', presence: '', routingStatus: '' } satisfies UserData,
  env: {
    GENESYS_REGION: optional(z.string().superRefine((region, ctx) => {
      const known = regions();
      if (!known.has(region)) {
        ctx.addIssue({ code: 'custom', message: `must be a Genesys Cloud region domain (${[...known].join(', ')})` });
      }
    })).transform((v) => v ?? 'mypurecloud.com').meta({ description: 'Genesys Cloud region domain (checked against the SDK\'s list)' }),
    GENESYS_CLIENT_ID: text.meta({ description: 'OAuth client-credentials client; without it the user source is `skipped`' }),
    GENESYS_CLIENT_SECRET: text.meta({ description: 'its secret' }),
    GENESYS_API_URL: url.meta({ description: 'Platform API base URL, default `https://api.<region>` (proxies, the simulator)' }),
    GENESYS_LOGIN_URL: url.meta({ description: 'login base URL, default `https://login.<region>`' }),
    GENESYS_TIMEOUT_MS: int(1500, 50, 60_000).meta({ description: 'budget of the user source, retries included' }),
    ...retryVariables('GENESYS'),
    USER_CACHE_TTL_MS: int(60_000, 0).meta({ description: 'freshness of a cached user' }),
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
      cacheTtlMs: env.USER_CACHE_TTL_MS,
    };
  },
  timeoutMs: (settings) => settings.timeoutMs,
  create(settings, ctx) {
    const { http, clock } = ctx;
    const tokens = createTokenSource(settings, ctx);
    const breaker = ctx.breaker();

    async function getUser(id: string, token: string, budget: Budget) {
      const { body } = await http.requestJson<platformClient.Models.User>({
        target: TARGET,
        method: 'GET',
        url: `${settings.apiUrl}/api/v2/users/${encodeURIComponent(id)}?expand=presence,routingStatus`,
        headers: { authorization: `Bearer ${token}` },
        retry: settings.retry,
        budget,
      });
      return toUser(body);
    }

    async function fetchUser(id: string, budget: Budget) {
      const token = await tokens.get(budget);
      try {
        return await getUser(id, token, budget);
      } catch (err) {
        if (!(err instanceof UpstreamError && err.status === 401)) throw err;
        // A token can be revoked before its expiry (client secret rotated, OAuth client changed):
        // log in once more and retry once; a second 401 means the credentials themselves are refused.
        tokens.invalidate(token);
        return getUser(id, await tokens.get(budget), budget);
      }
    }

    const cache = createReadThroughCache<UserData>({
      name: 'genesys-user',
      target: TARGET,
      ttlMs: settings.cacheTtlMs,
      timeoutMs: settings.timeoutMs,
      max: ctx.cacheMaxEntries,
      metrics: ctx.metrics,
      clock,
      load: (id, budget) => breaker.run(() => fetchUser(id, budget)),
    });
    return {
      load: (inputs, budget) => cache.get(String(inputs.userId), budget),
      readiness: { 'genesys-login': (budget) => tokens.get(budget).then(() => undefined) },
    };
  },
});
