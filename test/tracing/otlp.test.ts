import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { packageVersion } from '../../src/package.js';
import { withSimulator } from '../data-actions/helpers.js';
import { capturingLogger, DATA_KEY } from '../helpers/app.js';
import { manualClock, settled, until } from '../helpers/clock.js';
import { traceparent } from './helpers.js';

// Tracing as it ships: spans POSTed as OTLP/HTTP JSON to a receiver this test runs, and nothing at
// all when tracing is off.

interface OtlpValue { stringValue?: string; intValue?: string | number; boolValue?: boolean }
interface OtlpAttribute { key: string; value: OtlpValue }
interface OtlpSpan { name: string; traceId: string; spanId: string; parentSpanId?: string; attributes: OtlpAttribute[] }
interface OtlpExport {
  resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

/** An OTLP/HTTP receiver on loopback: records each export, answers `status` (with 0, when released). */
function otlpReceiver() {
  const received: { path: string; headers: IncomingHttpHeaders; body: OtlpExport }[] = [];
  const held: ServerResponse[] = [];
  const answer = (res: ServerResponse, status: number) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  const receiver = {
    status: 200, received, url: '',
    /** Answers the exports held so far: their exporter is done, and retries nothing into the next test. */
    release: () => held.splice(0).forEach((res) => answer(res, 200)),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport;
      received.push({ path: req.url ?? '', headers: req.headers, body });
      if (receiver.status > 0) answer(res, receiver.status);
      else held.push(res);
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    receiver.release();
    received.length = 0;
    receiver.status = 200;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return receiver;
}

const t = withSimulator();
const receiver = otlpReceiver();
const attributes = (list: OtlpAttribute[]) => Object.fromEntries(list.map(({ key, value }) =>
  [key, value.stringValue ?? value.boolValue ?? (value.intValue === undefined ? undefined : Number(value.intValue))]));
const exportedSpans = () => receiver.received.flatMap((r) =>
  r.body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans)));
const askWithTraceparent = (app: Awaited<ReturnType<typeof t.setup>>['app']) => app.inject({
  method: 'POST', url: '/v1/data-actions/customer-context', payload: { customerId: 'c-1', userId: 'u-1' },
  headers: { 'x-api-key': DATA_KEY, traceparent: traceparent('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7') },
});

describe('OTLP export', () => {
  afterEach(() => {
    delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
  });

  it('POSTs the spans as OTLP JSON to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces, flushed when the app closes', async () => {
    // The exporter reads its transport settings (here a vendor's key header) from the environment itself.
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'x-vendor-key=otlp-secret';
    const log = capturingLogger();
    const { app } = await t.setup({ OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/` }, { logger: log.logger });
    expect((await askWithTraceparent(app)).json().complete).toBe(true);
    await app.close();

    expect(receiver.received.length).toBeGreaterThan(0);
    for (const r of receiver.received) {
      expect(r.path).toBe('/v1/traces');
      expect(r.headers).toMatchObject({ 'content-type': 'application/json', 'x-vendor-key': 'otlp-secret' });
    }
    const resource = attributes(receiver.received[0]!.body.resourceSpans[0]!.resource.attributes);
    expect(resource).toMatchObject({
      'service.name': 'genesys-data-actions-service', 'service.version': packageVersion(),
    });
    const spans = exportedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(['GET', 'POST', 'POST /v1/data-actions/customer-context',
      'source crm', 'source orders', 'source user']);
    const request = spans.find((s) => s.name.startsWith('POST /'))!;
    expect(request).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: '00f067aa0ba902b7' });
    const crm = spans.find((s) => s.name === 'source crm')!;
    expect(crm.parentSpanId).toBe(request.spanId);
    expect(attributes(crm.attributes)).toMatchObject({
      'gdas.source.status': 'ok', 'gdas.source.cache': 'miss', 'gdas.source.budget_ms': 1500,
    });
    const line = log.lines.find((l) => l.msg === 'request' && l.route === '/v1/data-actions/customer-context');
    expect(line!.traceId).toBe(request.traceId);
    expect(log.raw()).not.toContain('otlp-secret');
  });

  it('warns once when the receiver refuses spans, and says when it takes them again', async () => {
    receiver.status = 400;
    const log = capturingLogger();
    const env = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/otlp/spans` };
    const { app, post } = await t.setup(env, { logger: log.logger });
    for (let i = 0; i < 2; i++) {
      await post('crm-account', { customerId: `c-${i}` });
      await app.tracing!.flush();
    }
    receiver.status = 200;
    await post('crm-account', { customerId: 'c-9' });
    await app.tracing!.flush();

    expect(receiver.received.map((r) => r.path)).toEqual(['/otlp/spans', '/otlp/spans', '/otlp/spans']);
    expect(log.lines.filter((l) => String(l.msg).startsWith('span export')).map((l) => [l.level, l.msg])).toEqual([
      [40, 'span export failed: spans are dropped until it works'], [30, 'span export works again']]);
  });

  it('closes 2 s after the drain when the receiver does not answer, dropping what is left', async () => {
    receiver.status = 0;
    const { clock, advance } = manualClock();
    const log = capturingLogger();
    const { app, post } = await t.setup({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, { logger: log.logger, clock });
    expect((await post('crm-account', { customerId: 'c-1' })).json().crm.status).toBe('ok');
    const closed = app.close();
    await until(() => receiver.received.length === 1, 'the export at close');
    await advance(1999);
    expect(await settled(closed)).toBe(false);
    await advance(1);
    await closed;
    expect(log.lines.find((l) => l.msg === 'spans not exported at close are dropped')).toMatchObject({ level: 40 });
  });
});

describe('tracing off', () => {
  for (const [why, env] of [
    ['no OTEL_* variable', {}],
    ['OTEL_SDK_DISABLED=true', { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }],
    ['OTEL_TRACES_EXPORTER=none', { OTEL_TRACES_EXPORTER: 'none' }],
  ] as const) {
    it(`sends no span and no traceparent with ${why}`, async () => {
      const log = capturingLogger();
      const endpoint = why === 'no OTEL_* variable' ? '' : receiver.url;
      const { app } = await t.setup({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, ...env }, { logger: log.logger });
      expect(app.tracing).toBeUndefined();
      expect((await askWithTraceparent(app)).json().complete).toBe(true);
      await app.close();
      for (const backend of ['crm', 'orders', 'users', 'login'] as const) {
        expect(t.sim.requests(backend)[0]!.headers).not.toHaveProperty('traceparent');
      }
      expect(receiver.received).toEqual([]);
      const line = log.lines.find((l) => l.msg === 'request' && l.route === '/v1/data-actions/customer-context');
      expect(line).not.toHaveProperty('traceId');
    });
  }
});
