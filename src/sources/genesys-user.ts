import type platformClient from 'purecloud-platform-client-v2';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { UserData } from '../data-actions/schemas.js';
import type { Budget } from '../http/budget.js';
import type { CircuitBreaker } from '../http/circuit.js';
import type { HttpClient } from '../http/client.js';
import { upstream, UpstreamError } from '../http/errors.js';
import type { Metrics } from '../metrics.js';
import { createReadThroughCache, type Cached } from './cache.js';
import type { TokenSource } from './genesys-token.js';

// GET /api/v2/users/{userId}?expand=presence,routingStatus (SPEC §3), straight through our undici
// transport rather than the SDK's UsersApi (axios). Measured against the simulator, 2000 calls
// each on one process: sequential 2829 vs 1233 req/s (p50 0.30 vs 0.68 ms), 20 concurrent
// 5285 vs 1746 req/s (p99 9.7 vs 26.8 ms), about half the CPU per call. The transport also
// brings the budget signal, the 1 MiB limit and the Retry-After-aware retries the SDK lacks.
// The SDK still types the answer (Models.User) and performs the login.

const TARGET = 'genesys';

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

export interface UserSource {
  lookup(userId: string, budget: Budget): Promise<Cached<UserData>>;
}

export interface UserSourceDeps {
  config: Config['genesys'];
  cacheMaxEntries: number;
  http: HttpClient;
  tokens: TokenSource;
  breaker: CircuitBreaker;
  metrics: Metrics;
}

export function createUserSource({ config, cacheMaxEntries, http, tokens, breaker, metrics }: UserSourceDeps): UserSource {
  async function getUser(userId: string, token: string, budget: Budget) {
    const { body } = await http.requestJson<platformClient.Models.User>({
      target: TARGET,
      method: 'GET',
      url: `${config.apiUrl}/api/v2/users/${encodeURIComponent(userId)}?expand=presence,routingStatus`,
      headers: { authorization: `Bearer ${token}` },
      retry: config.retry,
      budget,
    });
    return toUser(body);
  }

  async function fetchUser(userId: string, budget: Budget) {
    const token = await tokens.get(budget.signal, budget.remainingMs());
    try {
      return await getUser(userId, token, budget);
    } catch (err) {
      if (!(err instanceof UpstreamError && err.status === 401)) throw err;
      // A token can be revoked before its expiry (client secret rotated, OAuth client changed):
      // log in once more and retry once; a second 401 means the credentials themselves are refused.
      tokens.invalidate(token);
      return getUser(userId, await tokens.get(budget.signal, budget.remainingMs()), budget);
    }
  }

  const cache = createReadThroughCache<UserData>({
    name: 'genesys-user',
    ttlMs: config.cacheTtlMs,
    budgetMs: config.timeoutMs,
    max: cacheMaxEntries,
    metrics,
    load: (userId, budget) => breaker.run(() => fetchUser(userId, budget)),
  });
  return { lookup: (userId, budget) => cache.get(userId, budget) };
}
