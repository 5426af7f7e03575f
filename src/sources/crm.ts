import { z } from 'zod';
import type { Config } from '../config.js';
import type { CrmData } from '../data-actions/schemas.js';
import type { Budget } from '../http/budget.js';
import type { CircuitBreaker } from '../http/circuit.js';
import type { HttpClient } from '../http/client.js';
import { upstream } from '../http/errors.js';
import type { Metrics } from '../metrics.js';
import { createReadThroughCache, type Cached } from './cache.js';

// GET {CRM_BASE_URL}/v2/accounts?id=...&include=preferences,subscriptions with X-API-Key (SPEC §3).

const TARGET = 'crm';

const nullableText = z.string().nullish();
const rawAccount = z.object({
  id: z.string(),
  name: nullableText,
  tier: nullableText,
  email: nullableText,
  phone: nullableText,
  preferences: z.object({ language: nullableText, channel: nullableText }).nullish(),
});

function toAccount(body: unknown): CrmData {
  const parsed = rawAccount.safeParse(body);
  if (!parsed.success) throw upstream.badResponse(TARGET, 'an answer that is not a CRM account');
  const a = parsed.data;
  return {
    accountId: a.id,
    name: a.name ?? '',
    tier: a.tier ?? '',
    email: a.email ?? '',
    phone: a.phone ?? '',
    language: a.preferences?.language ?? '',
    preferredChannel: a.preferences?.channel ?? '',
  };
}

export interface CrmSource {
  lookup(customerId: string, budget: Budget): Promise<Cached<CrmData>>;
}

export interface CrmSourceDeps {
  config: Config['crm'] & { baseUrl: string; apiKey: string };
  cacheMaxEntries: number;
  http: HttpClient;
  breaker: CircuitBreaker;
  metrics: Metrics;
}

export function createCrmSource({ config, cacheMaxEntries, http, breaker, metrics }: CrmSourceDeps): CrmSource {
  async function fetchAccount(customerId: string, budget: Budget) {
    const query = new URLSearchParams({ id: customerId, include: 'preferences,subscriptions' });
    const { body } = await http.requestJson({
      target: TARGET,
      method: 'GET',
      url: `${config.baseUrl}/v2/accounts?${query}`,
      headers: { 'x-api-key': config.apiKey },
      retry: config.retry,
      budget,
    });
    return toAccount(body);
  }

  const cache = createReadThroughCache<CrmData>({
    name: 'crm-account',
    ttlMs: config.cacheTtlMs,
    budgetMs: config.timeoutMs,
    max: cacheMaxEntries,
    metrics,
    load: (customerId, budget) => breaker.run(() => fetchAccount(customerId, budget)),
  });
  return { lookup: (customerId, budget) => cache.get(customerId, budget) };
}
