import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { withSimulator } from '../data-actions/helpers.js';
import { DATA_KEY } from '../helpers/app.js';
import { manualClock, until } from '../helpers/clock.js';
import { childrenOf, only, spanRecorder, traceparent } from './helpers.js';

// The spans of a data action (docs/operations.md, "Tracing"), read from an in-memory exporter given to buildApp,
// and the traceparent each backend received, as the simulator recorded it.

const t = withSimulator();
const { setup } = t;
const ROUTE_SPAN = 'POST /v1/data-actions/customer-context';
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

describe('data-action spans', () => {
  it('give each source a span with its status, cache, circuit and budget, under the request span', async () => {
    const { clock, advance } = manualClock();
    const recorder = spanRecorder();
    const env = { CRM_TIMEOUT_MS: '300', USER_CACHE_TTL_MS: '1000' };
    const { post, app } = await setup(env, { clock, spanExporter: recorder.exporter });
    expect((await post('genesys-user', { userId: 'u-1' })).json().user.status).toBe('ok'); // u-1 is cached
    await advance(1001);
    t.sim.setFault('users', { kind: 'status', status: 500 });
    t.sim.setFault('crm', { kind: 'hang' });
    const answer = post('customer-context', { customerId: 'c-1', userId: 'u-1' });
    const hits = () => [t.sim.hits('users'), t.sim.hits('crm'), t.sim.hits('orders')].join();
    await until(() => hits() === '2,1,1', 'the three calls');
    await advance(300);
    const { user, crm: crmSection, orders } = (await answer).json();
    expect([user.status, user.stale, crmSection.status, orders.status]).toEqual(['ok', true, 'timeout', 'ok']);

    const spans = await recorder.spans(app);
    const request = only(spans, ROUTE_SPAN);
    expect(request.kind).toBe(SpanKind.SERVER);
    expect(request.attributes).toMatchObject({
      'http.route': '/v1/data-actions/customer-context', 'http.response.status_code': 200,
      'gdas.complete': false, 'gdas.failed_sources': ['crm'],
    });
    const sources = Object.fromEntries(childrenOf(spans, request).map((s) => [s.name, s]));
    expect(Object.keys(sources).sort()).toEqual(['source crm', 'source orders', 'source user']);
    const source = (name: string, status: string, budgetMs: number, cache?: string) => ({
      'gdas.source': name, 'gdas.source.status': status, 'gdas.source.circuit': 'closed',
      'gdas.source.budget_ms': budgetMs, 'gdas.source.retries': 0, ...(cache && { 'gdas.source.cache': cache }),
    });
    expect(sources['source user']!.attributes).toEqual(source('user', 'ok', 1500, 'stale'));
    expect(sources['source crm']!.attributes).toEqual(source('crm', 'timeout', 300, 'miss'));
    expect(sources['source crm']!.status)
      .toEqual({ code: SpanStatusCode.ERROR, message: 'crm did not answer within 300 ms' });
    expect(sources['source orders']!.attributes).toEqual(source('orders', 'ok', 2000));
    expect(sources['source orders']!.status.code).toBe(SpanStatusCode.UNSET);

    // Each backend call of a source is a client span under its span, whatever it ended with.
    const [crm] = childrenOf(spans, sources['source crm']!);
    expect(crm).toMatchObject({ name: 'GET', kind: SpanKind.CLIENT, status: { code: SpanStatusCode.ERROR } });
    expect(crm!.attributes).toMatchObject({
      'http.request.method': 'GET', 'error.type': 'UPSTREAM_TIMEOUT', 'url.full': `${t.sim.urls.crm}/v2/accounts`,
      'server.address': '127.0.0.1', 'server.port': Number(new URL(t.sim.urls.crm).port), 'gdas.target': 'crm',
    });
    expect(crm!.attributes['http.response.status_code']).toBeUndefined();
    const ordersCalls = childrenOf(spans, sources['source orders']!);
    expect(ordersCalls.map((s) => s.attributes['http.response.status_code'])).toEqual([200]);
  });

  it('show a cached answer as a cache hit without a backend call', async () => {
    const recorder = spanRecorder();
    const { post, app } = await setup({}, { spanExporter: recorder.exporter });
    for (let i = 0; i < 2; i++) expect((await post('crm-account', { customerId: 'c-1' })).json().crm.status).toBe('ok');
    const spans = await recorder.spans(app);
    const sources = spans.filter((s) => s.name === 'source crm').sort((a, b) => a.startTime[0] - b.startTime[0]
      || a.startTime[1] - b.startTime[1]);
    expect(sources.map((s) => s.attributes['gdas.source.cache'])).toEqual(['miss', 'hit']);
    expect(sources.map((s) => childrenOf(spans, s).length)).toEqual([1, 0]);
    expect(t.sim.hits('crm')).toBe(1);
  });

  it('show a retried call as one client span per attempt, and count the retry on the source span', async () => {
    const { clock, advance } = manualClock();
    const recorder = spanRecorder();
    const { post, app, metric } = await setup({}, { clock, spanExporter: recorder.exporter });
    t.sim.setFault('orders', { kind: 'status', status: 503, retryAfter: { seconds: 1, format: 'seconds' }, times: 1 });
    const answer = post('orders', { customerId: 'c-1' });
    const retried = async () => (await metric('outbound_retries_total', { target: 'orders', reason: '503' })) === 1;
    await until(retried, 'the retry');
    await advance(1000);
    expect((await answer).json().orders.status).toBe('ok');

    const spans = await recorder.spans(app);
    const source = only(spans, 'source orders');
    expect(source.attributes).toMatchObject({ 'gdas.source.status': 'ok', 'gdas.source.retries': 1 });
    const attempts = childrenOf(spans, source).sort((a, b) => Number(a.attributes['http.request.resend_count'] ?? 0)
      - Number(b.attributes['http.request.resend_count'] ?? 0));
    expect(attempts.map((s) => [s.attributes['http.response.status_code'], s.attributes['http.request.resend_count']]))
      .toEqual([[503, undefined], [200, 1]]);
    // Each attempt told the orders backend its own span: same trace, another parent.
    expect(t.sim.requests('orders').map((r) => r.headers.traceparent))
      .toEqual(attempts.map((s) => traceparent(s.spanContext().traceId, s.spanContext().spanId)));
  });

  it('continue the caller\'s trace to the CRM and orders, and send Genesys and its login no traceparent', async () => {
    const recorder = spanRecorder();
    const { app } = await setup({}, { spanExporter: recorder.exporter });
    const res = await app.inject({
      method: 'POST', url: '/v1/data-actions/customer-context', payload: { customerId: 'c-1', userId: 'u-1' },
      headers: {
        'x-api-key': DATA_KEY, traceparent: traceparent(CALLER_TRACE, CALLER_SPAN), tracestate: 'vendor=opaque',
      },
    });
    expect(res.json().complete).toBe(true);

    const spans = await recorder.spans(app);
    const request = only(spans, ROUTE_SPAN);
    expect(request.spanContext().traceId).toBe(CALLER_TRACE);
    expect(request.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    for (const backend of ['crm', 'orders'] as const) {
      const [call] = childrenOf(spans, only(spans, `source ${backend}`));
      const [received] = t.sim.requests(backend);
      expect(received!.headers.traceparent).toBe(traceparent(CALLER_TRACE, call!.spanContext().spanId));
      expect(received!.headers.tracestate).toBe('vendor=opaque');
    }
    // Genesys is not told: its requests serve every caller waiting for a user (bulk lookups) and
    // belong to no one request's trace; nor is its login.
    for (const backend of ['users', 'login'] as const) {
      expect(t.sim.requests(backend)).toHaveLength(1);
      expect(t.sim.requests(backend)[0]!.headers).not.toHaveProperty('traceparent');
      expect(t.sim.requests(backend)[0]!.headers).not.toHaveProperty('tracestate');
    }
  });

  it('continue the trace to declared backends unless their file says not, never to a token endpoint', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gdas-tracing-')), 'backends.yaml');
    writeFileSync(file, `
backends:
  - name: agent
    baseUrl: \${env:T_USERS_URL}
    auth: { type: oauth2, tokenUrl: "\${env:T_LOGIN_URL}/oauth/token", clientId: sim-client, clientSecret: sim-secret }
    request: { method: GET, path: "/api/v2/users/{userId}" }
    output:
      id: { type: string, from: id, required: true }
  - name: vendor
    baseUrl: \${env:T_USERS_URL}
    traceparent: false
    auth: { type: oauth2, tokenUrl: "\${env:T_LOGIN_URL}/oauth/token", clientId: sim-client, clientSecret: sim-secret }
    request: { method: GET, path: "/api/v2/users/{userId}", query: { from: vendor } }
    output:
      id: { type: string, from: id, required: true }
`);
    const recorder = spanRecorder();
    const { post, app } = await setup({
      BACKENDS_FILE: file, T_USERS_URL: t.sim.urls.genesysApi, T_LOGIN_URL: t.sim.urls.genesysLogin,
      GENESYS_CLIENT_ID: '', GENESYS_CLIENT_SECRET: '',
    }, { spanExporter: recorder.exporter });
    expect((await post('agent', { userId: 'u-7' })).json().agent).toMatchObject({ status: 'ok', id: 'u-7' });
    expect((await post('vendor', { userId: 'u-8' })).json().vendor).toMatchObject({ status: 'ok', id: 'u-8' });

    const spans = await recorder.spans(app);
    const calls = childrenOf(spans, only(spans, 'source agent'));
    const token = calls.find((s) => s.attributes['gdas.target'] === 'agent login');
    const api = calls.find((s) => s.attributes['gdas.target'] === 'agent');
    expect(token!.attributes['url.full']).toBe(`${t.sim.urls.genesysLogin}/oauth/token`);
    // The token request is a span of the trace, but the token endpoint is not told about it.
    expect(t.sim.requests('login').map((r) => r.headers.traceparent)).toEqual([undefined, undefined]);
    const [told, untold] = t.sim.requests('users');
    expect(told!.headers.traceparent).toBe(traceparent(api!.spanContext().traceId, api!.spanContext().spanId));
    // `traceparent: false`: the call is a span here, and the backend is not told.
    expect(untold!.query).toEqual({ from: 'vendor' });
    expect(untold!.headers).not.toHaveProperty('traceparent');
    expect(childrenOf(spans, only(spans, 'source vendor')).map((s) => s.attributes['gdas.target'])).toContain('vendor');
  });

  it('export nothing for a caller that does not sample its trace, and pass that decision on to the CRM', async () => {
    const recorder = spanRecorder();
    const { app } = await setup({}, { spanExporter: recorder.exporter });
    const res = await app.inject({
      method: 'POST', url: '/v1/data-actions/crm-account', payload: { customerId: 'c-1' },
      headers: { 'x-api-key': DATA_KEY, traceparent: traceparent(CALLER_TRACE, CALLER_SPAN, false) },
    });
    expect(res.json().crm.status).toBe('ok');
    expect(await recorder.spans(app)).toEqual([]);
    expect(t.sim.requests('crm')[0]!.headers.traceparent).toMatch(new RegExp(`^00-${CALLER_TRACE}-[0-9a-f]{16}-00$`));
  });

  it('start a new trace when the caller\'s traceparent is malformed', async () => {
    const recorder = spanRecorder();
    const { app } = await setup({}, { spanExporter: recorder.exporter });
    for (const bad of ['00-xyz-00f067aa0ba902b7-01', `00-${'0'.repeat(32)}-${CALLER_SPAN}-01`, 'garbage'.repeat(500)]) {
      const res = await app.inject({
        method: 'POST', url: '/v1/data-actions/crm-account', payload: { customerId: 'c-1' },
        headers: { 'x-api-key': DATA_KEY, traceparent: bad },
      });
      expect(res.json().crm.status).toBe('ok');
    }
    const requests = (await recorder.spans(app)).filter((s) => s.name === 'POST /v1/data-actions/crm-account');
    expect(requests).toHaveLength(3);
    for (const span of requests) {
      expect(span.parentSpanContext).toBeUndefined();
      expect(span.spanContext().traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    }
  });
});
