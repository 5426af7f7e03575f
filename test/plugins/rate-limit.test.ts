import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { DATA_KEY, INGEST_KEY, testConfig } from '../helpers/app.js';
import { REDIS_URL, serverAvailable } from '../helpers/services.js';

const basic = (user: string) => `Basic ${Buffer.from(`${user}:pw`).toString('base64')}`;

// The real data-action routes, with no backend configured (every source answers `skipped` at once);
// a probe route of the events family shows that the limit belongs to the data-action routes only.
async function appWith(env: Record<string, string>) {
  const app = await buildApp(testConfig({ RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW_MS: '60000', ...env }),
    { logger: false });
  app.post('/v1/events/probe', { onRequest: app.authenticate.ingest }, async () => ({ ok: true }));
  await app.ready();
  return app;
}

const CONTEXT = '/v1/data-actions/customer-context';
const CRM = '/v1/data-actions/crm-account';
const call = (app: App, url: string, headers: Record<string, string>) =>
  app.inject({ method: 'POST', url, headers, payload: { customerId: 'c-1' } });

describe('rate limit (in memory)', () => {
  let app: App;
  beforeAll(async () => { app = await appWith({ DATA_ACTION_API_KEYS: `${DATA_KEY},second-key` }); });
  afterAll(() => app.close());

  it('gives each credential RATE_LIMIT_MAX requests per window across the data-action routes, then 429', async () => {
    const key = { 'x-api-key': DATA_KEY };
    const first = await call(app, CONTEXT, key);
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-ratelimit-limit']).toBe('2');
    expect((await call(app, CRM, key)).statusCode).toBe(200);
    const limited = await call(app, CONTEXT, key);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({ error: { code: 'RATE_LIMITED', message: expect.stringMatching(/retry in \d+ s/), fields: {} } });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // Another credential has its own budget, on every data-action route.
    expect((await call(app, '/v1/data-actions/orders', { 'x-api-key': 'second-key' })).statusCode).toBe(200);
    expect((await call(app, '/v1/data-actions/orders', { 'x-api-key': 'second-key' })).statusCode).toBe(200);
    expect((await call(app, '/v1/data-actions/genesys-user', { 'x-api-key': 'second-key' })).statusCode).toBe(429);
  });

  it('does not count unauthenticated requests against a credential, and leaves other routes alone', async () => {
    for (let i = 0; i < 5; i++) expect((await call(app, CONTEXT, { 'x-api-key': 'wrong' })).statusCode).toBe(401);
    for (let i = 0; i < 5; i++) {
      expect((await call(app, '/v1/events/probe', { 'x-api-key': INGEST_KEY })).statusCode).toBe(200);
    }
    for (let i = 0; i < 5; i++) expect((await app.inject('/healthz')).statusCode).toBe(200);
  });
});

describe('rate limit (Redis)', async () => {
  const available = await serverAvailable('Redis');

  it.runIf(available)('is shared by the replicas that use the same Redis', async () => {
    // A fresh user name per run makes the Redis key unique, so runs never share a counter.
    const user = `genesys-${randomUUID()}`;
    const env = { REDIS_URL, DATA_ACTION_BASIC_AUTH: `${user}:pw` };
    const [a, b] = await Promise.all([appWith(env), appWith(env)]);
    const auth = { authorization: basic(user) };
    expect((await call(a, CONTEXT, auth)).statusCode).toBe(200);
    expect((await call(b, CRM, auth)).statusCode).toBe(200);
    const limited = await call(a, CRM, auth);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await call(b, CONTEXT, auth)).statusCode).toBe(429);
    await Promise.all([a.close(), b.close()]);
  });

  it('lets data actions through when Redis is down (a caller is on the line)', async () => {
    const app = await appWith({ REDIS_URL: 'redis://127.0.0.1:1' });
    for (let i = 0; i < 4; i++) {
      expect((await call(app, '/v1/data-actions/customer-context', { 'x-api-key': DATA_KEY })).statusCode).toBe(200);
    }
    await app.close();
  });
});
