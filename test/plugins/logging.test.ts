import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { capturingLogger } from '../helpers/app.js';

describe('request logs', () => {
  it('write one line per request with its id, and redact credentials', async () => {
    const log = capturingLogger({ INGEST_API_KEY_HEADER: 'x-eb-key', GENESYS_CLIENT_ID: 'cid', GENESYS_CLIENT_SECRET: 'client-secret-value' });
    const app = await buildApp(log.config, { logger: log.logger });
    app.post('/v1/data-actions/probe', { onRequest: app.authenticate.dataActions }, async (req) => {
      // What a careless handler might log: the raw headers and a config object.
      req.log.info({ headers: req.headers, genesys: { clientSecret: 'client-secret-value' } }, 'debug dump');
      return { ok: true };
    });
    await app.ready();
    const key = log.config.auth.dataActions.apiKeys[0]!;
    const res = await app.inject({
      method: 'POST', url: '/v1/data-actions/probe', payload: {},
      headers: { 'x-api-key': key, authorization: 'Basic dXNlcjpwYXNz', 'x-eb-key': 'eb-secret', 'x-request-id': 'req-42' },
    });
    expect(res.statusCode).toBe(200);
    await app.close();

    const requestLines = log.lines.filter((l) => l.msg === 'request');
    expect(requestLines).toEqual([expect.objectContaining({
      reqId: 'req-42', method: 'POST', route: '/v1/data-actions/probe', statusCode: 200, principal: 'data-actions:key1',
    })]);
    expect(log.lines.find((l) => l.msg === 'debug dump')).toMatchObject({
      headers: { 'x-api-key': '[redacted]', authorization: '[redacted]', 'x-eb-key': '[redacted]' },
      genesys: { clientSecret: '[redacted]' },
    });
    for (const secret of [key, 'dXNlcjpwYXNz', 'eb-secret', 'client-secret-value']) expect(log.raw()).not.toContain(secret);
  });

  it('take a caller\'s x-request-id only when it is short and plain, and a fresh UUID otherwise', async () => {
    const log = capturingLogger();
    const app = await buildApp(log.config, { logger: log.logger });
    await app.ready();
    const ids = ['ok-1:a.b_C', 'x'.repeat(8192), 'has space', 'quote"inside', 'line\\nbreak', 'y'.repeat(129)];
    for (const id of ids) await app.inject({ url: '/nope', headers: { 'x-request-id': id } });
    await app.close();

    const logged = log.lines.filter((l) => l.msg === 'request').map((l) => l.reqId);
    expect(logged).toHaveLength(ids.length);
    expect(logged[0]).toBe('ok-1:a.b_C');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const id of logged.slice(1)) expect(id).toMatch(uuid);
    expect(log.raw()).not.toContain('x'.repeat(129));
  });
});
