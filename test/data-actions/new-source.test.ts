import { expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { url } from '../../src/env.js';
import { upstream } from '../../src/http/errors.js';
import { buildGenesysActions } from '../../src/openapi/genesys.js';
import { defineSource } from '../../src/sources/definition.js';
import { customerId, required, textField } from '../../src/sources/fields.js';
import { DATA_KEY, testConfig } from '../helpers/app.js';
import { simEnv, withSimulator } from './helpers.js';

// A backend is one definition (docs/decisions.md): this test-only loyalty backend, written here
// and nowhere else, gets its variables validated, its route, its section in customer-context, its
// place in `include` and `failedSources`, its OpenAPI schemas and its Genesys action. It asks the
// simulated CRM over HTTP and derives a loyalty level from the account's tier.

const loyalty = defineSource({
  name: 'loyalty',
  route: 'loyalty-points',
  title: 'Loyalty Points',
  summary: 'The loyalty level of a customer',
  target: 'loyalty',
  inputs: { customerId: required(customerId) },
  data: z.object({
    level: textField('Loyalty level', 'gold'),
    points: z.int().meta({ description: 'Points', example: 10 }),
  }),
  empty: { level: '', points: 0 },
  env: { LOYALTY_URL: url },
  settings: (env) => (env.LOYALTY_URL ? { url: env.LOYALTY_URL } : undefined),
  timeoutMs: () => 1000,
  create: (settings, ctx) => ({
    async load(inputs, budget) {
      const { body } = await ctx.http.requestJson<{ tier?: string }>({
        target: 'loyalty', method: 'GET', url: `${settings.url}/v2/accounts?id=${String(inputs.customerId)}`,
        headers: { 'x-api-key': 'sim-crm-key' }, retry: { attempts: 1, baseMs: 100, maxMs: 100 }, budget,
      });
      if (typeof body.tier !== 'string') throw upstream.badResponse('loyalty', 'no tier');
      return { value: { level: body.tier.toLowerCase(), points: body.tier.length * 10 }, stale: false };
    },
  }),
});

const t = withSimulator();
const sources = [loyalty];

it('refuses an invalid variable of the new backend by name, with the others', () => {
  expect(() => loadConfig({ DATA_ACTION_API_KEYS: 'k', INGEST_API_KEYS: 'k', LOYALTY_URL: 'ftp://x' }, sources))
    .toThrow(/LOYALTY_URL: must be an http\(s\) URL/);
});

it('serves the new backend on its own route, in customer-context, in include and in failedSources', async () => {
  const config = testConfig({ ...simEnv(t.sim), LOYALTY_URL: t.sim.urls.crm }, sources);
  const app = await buildApp(config, { logger: false });
  const post = (route: string, payload: object) =>
    app.inject({ method: 'POST', url: `/v1/data-actions/${route}`, headers: { 'x-api-key': DATA_KEY }, payload });
  try {
    const own = (await post('loyalty-points', { customerId: 'c-1' })).json();
    expect(Object.keys(own).sort()).toEqual(['complete', 'customerId', 'failedSources', 'latencyMs', 'loyalty']);
    expect(own.loyalty).toMatchObject({
      status: 'ok', error: '', stale: false, level: expect.any(String), points: expect.any(Number),
    });

    const all = (await post('customer-context', { customerId: 'missing-1', userId: 'u-1' })).json();
    expect(all.loyalty).toMatchObject({ status: 'not_found', level: '', points: 0 });
    expect(all.failedSources).toBe('crm,orders,loyalty');
    const only = (await post('customer-context', { customerId: 'c-1', include: 'loyalty' })).json();
    expect([only.user.status, only.crm.status, only.loyalty.status]).toEqual(['skipped', 'skipped', 'ok']);
    expect((await post('customer-context', { customerId: 'c-1', include: 'bogus' })).json().error.fields)
      .toEqual({ include: 'must be a comma-separated subset of user,crm,orders,loyalty' });

    const doc = app.openapi.document() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/v1/data-actions/loyalty-points');
    const actions = buildGenesysActions(app.openapi.routes(), config);
    const action = actions.get('loyalty-points.json');
    expect(action?.contract.output.successSchema.properties).toHaveProperty('loyalty');
    expect(actions.get('customer-context.json')?.contract.output.successSchema.properties).toHaveProperty('loyalty');
  } finally {
    await app.close();
  }
});
