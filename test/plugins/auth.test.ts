import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildApp } from '../../src/app.js';
import { testConfig } from '../helpers/app.js';

const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;

// Two route families with their own credentials, exercised through a probe route on each.
async function appWith(env: Record<string, string>) {
  const app = await buildApp(testConfig(env), { logger: false });
  app.post('/v1/data-actions/probe', { onRequest: app.authenticate.dataActions },
    async (req) => ({ principal: req.principal }));
  app.post('/v1/events/probe', { onRequest: app.authenticate.ingest }, async (req) => ({ principal: req.principal }));
  await app.ready();
  return app;
}

describe('inbound authentication', () => {
  let app: App;
  beforeAll(async () => {
    app = await appWith({
      DATA_ACTION_API_KEYS: 'old-key,new-key',
      DATA_ACTION_BASIC_AUTH: 'genesys:s3cr:et',
      INGEST_API_KEYS: 'eb-key',
      INGEST_API_KEY_HEADER: 'X-EventBridge-Key',
    });
  });
  afterAll(() => app.close());

  const call = (url: string, headers: Record<string, string>) =>
    app.inject({ method: 'POST', url, headers, payload: {} });

  it('accepts every configured key, so keys can be rotated', async () => {
    for (const [key, principal] of [['old-key', 'data-actions:key1'], ['new-key', 'data-actions:key2']]) {
      const res = await call('/v1/data-actions/probe', { 'x-api-key': key! });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ principal });
    }
  });

  it('accepts HTTP Basic with a password that contains a colon', async () => {
    const res = await call('/v1/data-actions/probe', { authorization: basic('genesys:s3cr:et') });
    expect(res.json()).toEqual({ principal: 'data-actions:basic:genesys' });
  });

  it.each([
    ['no credentials', {}],
    ['a wrong key', { 'x-api-key': 'old-keyX' }],
    ['a key prefix', { 'x-api-key': 'old' }],
    ['a wrong password', { authorization: basic('genesys:s3cr') }],
    ['a malformed Basic header', { authorization: 'Basic %%%' }],
    ['a bearer token', { authorization: 'Bearer old-key' }],
  ])('answers 401 in the error shape for %s', async (_name, headers) => {
    const res = await call('/v1/data-actions/probe', headers as Record<string, string>);
    expect(res.statusCode).toBe(401);
    expect(res.json())
      .toEqual({ error: { code: 'UNAUTHORIZED', message: 'missing or invalid credentials', fields: {} } });
  });

  it('keeps the families apart and reads the ingest key from its own header', async () => {
    expect((await call('/v1/events/probe', { 'x-api-key': 'old-key' })).statusCode).toBe(401);
    expect((await call('/v1/events/probe', { 'x-api-key': 'eb-key' })).statusCode).toBe(401);
    expect((await call('/v1/data-actions/probe', { 'x-eventbridge-key': 'eb-key' })).statusCode).toBe(401);
    const res = await call('/v1/events/probe', { 'x-eventbridge-key': 'eb-key' });
    expect(res.json()).toEqual({ principal: 'ingest:key1' });
  });

  it('leaves health routes open', async () => {
    expect((await app.inject('/healthz')).statusCode).toBe(200);
  });
});

describe('AUTH_DISABLED', () => {
  it('lets requests through without credentials', async () => {
    const app = await appWith({ AUTH_DISABLED: 'true', DATA_ACTION_API_KEYS: '', INGEST_API_KEYS: '' });
    const res = await app.inject({ method: 'POST', url: '/v1/events/probe', payload: {} });
    expect(res.json()).toEqual({ principal: 'anonymous' });
    await app.close();
  });
});
