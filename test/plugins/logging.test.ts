import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { withSimulator } from '../data-actions/helpers.js';
import { makeEvent, NO_SHEDDING, post as postEvents } from '../events/helpers.js';
import { capturingLogger, DATA_KEY, testConfig } from '../helpers/app.js';
import { manualClock, until } from '../helpers/clock.js';
import { only, spanRecorder } from '../tracing/helpers.js';

describe('request logs', () => {
  it('write one line per request with its id, and redact credentials', async () => {
    const log = capturingLogger({
      INGEST_API_KEY_HEADER: 'x-eb-key', GENESYS_CLIENT_ID: 'cid', GENESYS_CLIENT_SECRET: 'client-secret-value',
    });
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
      headers: {
        'x-api-key': key, authorization: 'Basic dXNlcjpwYXNz', 'x-eb-key': 'eb-secret', 'x-request-id': 'req-42',
      },
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
    for (const secret of [key, 'dXNlcjpwYXNz', 'eb-secret', 'client-secret-value']) {
      expect(log.raw()).not.toContain(secret);
    }
  });

  it('leave out the probes and /metrics, which log at warn, and keep the line\'s base fields', async () => {
    const log = capturingLogger();
    const app = await buildApp(log.config, { logger: log.logger });
    await app.ready();
    for (const url of ['/healthz', '/readyz', '/metrics']) expect((await app.inject(url)).statusCode).toBe(200);
    await app.inject({ url: '/nope', headers: { 'x-request-id': 'seen-1' } });
    await app.close();
    const lines = log.lines.filter((l) => l.msg === 'request');
    expect(lines).toEqual([expect.objectContaining({ reqId: 'seen-1', route: 'unknown', statusCode: 404, level: 30 })]);
    expect(lines[0]).toHaveProperty('time');
    expect(lines[0]).toHaveProperty('pid');
    expect(lines[0]).toHaveProperty('hostname');
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

describe('the request line tells the story', () => {
  const t = withSimulator();
  const requestLines = (log: ReturnType<typeof capturingLogger>, route: string) =>
    log.lines.filter((l) => l.msg === 'request' && l.route === route);

  it('of a data action: complete, and each source\'s status and latency', async () => {
    const { clock, advance } = manualClock();
    const log = capturingLogger();
    const { post } = await t.setup({ CRM_TIMEOUT_MS: '300' }, { logger: log.logger, clock });
    t.sim.setFault('crm', { kind: 'hang' });
    const answer = post('customer-context', { customerId: 'c-1' });
    await until(() => t.sim.hits('crm') === 1 && t.sim.hits('orders') === 1, 'the two calls');
    await advance(300);
    expect((await answer).json()).toMatchObject({ complete: false, failedSources: 'crm' });

    const lines = requestLines(log, '/v1/data-actions/customer-context');
    expect(lines).toHaveLength(1);
    // The orders answered in real time while the app's clock stood still: 0 ms on that clock.
    expect(lines[0]).toMatchObject({
      statusCode: 200, complete: false,
      sources: {
        user: { status: 'skipped' }, crm: { status: 'timeout', latencyMs: 300 }, orders: { status: 'ok', latencyMs: 0 },
      },
    });
    expect(lines[0]).not.toHaveProperty('traceId');
    expect(log.raw()).not.toContain(DATA_KEY);
  });

  it('of an ingestion: accepted, duplicates and the batch its events rode in, shared by its requests', async () => {
    const log = capturingLogger();
    const config = testConfig({ BATCH_MAX_SIZE: '2', BATCH_MAX_WAIT_MS: '1000', ...NO_SHEDDING });
    const app = await buildApp(config, { logger: log.logger });
    try {
      const stored = makeEvent();
      await postEvents(app, [stored, makeEvent()]);
      const answers = await Promise.all([postEvents(app, [makeEvent(), stored]), postEvents(app, makeEvent())]);
      expect(answers.map((a) => a.json().accepted)).toEqual([1, 1]);
    } finally {
      await app.close();
    }
    const [first, ...pair] = requestLines(log, '/v1/events/eventbridge');
    const batchId = expect.stringMatching(/^[0-9a-f]{16}$/);
    expect(first).toMatchObject({ statusCode: 200, accepted: 2, duplicates: 0, batches: [batchId] });
    expect(pair.map((l) => [l.accepted, l.duplicates]).sort()).toEqual([[1, 0], [1, 1]]);
    expect(pair[0]!.batches).toEqual(pair[1]!.batches);
    expect(pair[0]!.batches).toHaveLength(1);
    expect(pair[0]!.batches).not.toEqual(first!.batches);
  });

  it('of an ingestion the sink refused: the batch it rode in, as the sink\'s error line names it', async () => {
    const log = capturingLogger();
    const app = await buildApp(testConfig({ INGEST_SINK: 'http', INGEST_HTTP_URL: 'http://127.0.0.1:9/collect',
      INGEST_HTTP_TIMEOUT_MS: '500', ...NO_SHEDDING }), { logger: log.logger });
    try {
      expect((await postEvents(app, makeEvent())).statusCode).toBe(503);
    } finally {
      await app.close();
    }
    const [line] = requestLines(log, '/v1/events/eventbridge');
    const failure = log.lines.find((l) => l.msg === 'sink write failed');
    expect(line).toMatchObject({ statusCode: 503, batches: [failure!.batch] });
    expect(line).not.toHaveProperty('accepted');
  });

  it('with the trace id when tracing is on, still one redacted line', async () => {
    const log = capturingLogger();
    const recorder = spanRecorder();
    const { app } = await t.setup({}, { logger: log.logger, spanExporter: recorder.exporter });
    const res = await app.inject({ method: 'POST', url: '/v1/data-actions/crm-account', payload: { customerId: 'c-1' },
      headers: { 'x-api-key': DATA_KEY, authorization: 'Basic dXNlcjpwYXNz' } });
    expect(res.json().crm.status).toBe('ok');
    const span = only(await recorder.spans(app), 'POST /v1/data-actions/crm-account');
    const lines = requestLines(log, '/v1/data-actions/crm-account');
    expect(lines).toEqual([expect.objectContaining({ traceId: span.spanContext().traceId, complete: true,
      sources: { crm: { status: 'ok', latencyMs: expect.any(Number) } } })]);
    for (const secret of [DATA_KEY, 'dXNlcjpwYXNz']) expect(log.raw()).not.toContain(secret);
  });
});
