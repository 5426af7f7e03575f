import { z } from 'zod';
import { int, retryPolicy, retryProblems, retryVariables, text, url } from '../../src/env.js';
import type { Budget } from '../../src/http/budget.js';
import { upstream } from '../../src/http/errors.js';
import { createReadThroughCache } from '../../src/sources/cache.js';
import { defineSource } from '../../src/sources/definition.js';
import { customerId, required, textField } from '../../src/sources/fields.js';

// The CRM account: GET {CRM_BASE_URL}/v2/accounts?id=...&include=preferences,subscriptions with
// X-API-Key (docs/contract.md, "CRM account"), cached and coalesced per customer.

const TARGET = 'crm';

export const crmData = z.object({
  accountId: textField('CRM account id', 'c-123'),
  name: textField('Account name', 'ACME Corp'),
  tier: textField('Customer tier', 'GOLD'),
  email: textField('Email', 'contact@acme.example'),
  phone: textField('Phone', '+15550100'),
  language: textField('Preferred language', 'en-US'),
  preferredChannel: textField('Preferred channel', 'voice'),
});
export type CrmData = z.infer<typeof crmData>;

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

export default defineSource({
  name: 'crm',
  route: 'crm-account',
  title: 'CRM Account',
  summary: 'The CRM account of a customer',
  target: TARGET,
  inputs: { customerId: required(customerId) },
  data: crmData,
  empty: {
    accountId: '', name: '', tier: '', email: '', phone: '', language: '', preferredChannel: '',
  } satisfies CrmData,
  env: {
    CRM_BASE_URL: url.meta({ description: 'CRM service; without it the crm source is `skipped`' }),
    CRM_API_KEY: text.meta({ description: 'its `X-API-Key`' }),
    CRM_TIMEOUT_MS: int(1500, 50, 60_000).meta({ description: 'budget of the crm source, retries included' }),
    ...retryVariables('CRM'),
    CRM_CACHE_TTL_MS: int(30_000, 0).meta({ description: 'freshness of a cached CRM account' }),
  },
  check: (env) => [
    ...retryProblems(env, 'CRM'),
    ...(env.CRM_BASE_URL && !env.CRM_API_KEY ? ['CRM_API_KEY: required when CRM_BASE_URL is set'] : []),
  ],
  settings: (env) => (env.CRM_BASE_URL && env.CRM_API_KEY ? {
    baseUrl: env.CRM_BASE_URL,
    apiKey: env.CRM_API_KEY,
    timeoutMs: env.CRM_TIMEOUT_MS,
    retry: retryPolicy(env, 'CRM'),
    cacheTtlMs: env.CRM_CACHE_TTL_MS,
  } : undefined),
  timeoutMs: (settings) => settings.timeoutMs,
  create(settings, ctx) {
    const breaker = ctx.breaker();
    async function fetchAccount(id: string, budget: Budget) {
      const query = new URLSearchParams({ id, include: 'preferences,subscriptions' });
      const { body } = await ctx.http.requestJson({
        target: TARGET,
        method: 'GET',
        url: `${settings.baseUrl}/v2/accounts?${query}`,
        headers: { 'x-api-key': settings.apiKey },
        retry: settings.retry,
        budget,
      });
      return toAccount(body);
    }
    const cache = createReadThroughCache<CrmData>({
      name: 'crm-account',
      target: TARGET,
      ttlMs: settings.cacheTtlMs,
      timeoutMs: settings.timeoutMs,
      max: ctx.cacheMaxEntries,
      metrics: ctx.metrics,
      clock: ctx.clock,
      load: (id, budget) => breaker.run(() => fetchAccount(id, budget)),
    });
    return { load: (inputs, budget) => cache.get(String(inputs.customerId), budget) };
  },
});
