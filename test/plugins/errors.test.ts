import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp, type App } from '../../src/app.js';
import { testConfig } from '../helpers/app.js';

describe('error handling', () => {
  let app: App;
  beforeAll(async () => {
    app = await buildApp(testConfig({ INGEST_BODY_LIMIT_BYTES: '2048' }), { logger: false });
    app.get('/boom', async () => {
      throw new Error('connection string postgres://admin:hunter2@db failed');
    });
    const body = z.object({ name: z.string().min(1), count: z.number().int() });
    app.post('/echo', { schema: { body } }, async (req) => req.body);
    await app.ready();
  });
  afterAll(() => app.close());

  const shape = (code: string) => ({ error: { code, message: expect.any(String), fields: expect.any(Object) } });

  it('answers 404 in the error shape', async () => {
    const res = await app.inject('/nope?x=1');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route for GET /nope', fields: {} } });
  });

  it('answers 400 INVALID_JSON for a malformed body', async () => {
    const res = await app.inject({
      method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"name": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(shape('INVALID_JSON'));
  });

  it('names every bad field of a zod-validated body', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', payload: { name: '', count: 1.5 } });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(error.fields)).toEqual(['name', 'count']);
  });

  it('answers 413 past the body limit', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'x'.repeat(4096), count: 1 } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual(shape('PAYLOAD_TOO_LARGE'));
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await app.inject({
      method: 'POST', url: '/echo', headers: { 'content-type': 'text/csv' }, payload: 'a,b',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual(shape('UNSUPPORTED_MEDIA_TYPE'));
  });

  it('hides the internals of a 500', async () => {
    const res = await app.inject('/boom');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'internal server error', fields: {} } });
    expect(res.body).not.toContain('hunter2');
  });
});

describe('zod response schemas', () => {
  it('serialise through the compiled schema, dropping undeclared fields', async () => {
    const app = await buildApp(testConfig(), { logger: false });
    const out = z.object({ id: z.string(), n: z.number() });
    app.get('/typed', { schema: { response: { 200: out } } }, async () => ({ id: 'a', n: 1, secret: 'x' }));
    await app.ready();
    const res = await app.inject('/typed');
    expect(res.body).toBe('{"id":"a","n":1}');
    await app.close();
  });
});
