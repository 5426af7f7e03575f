import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { buildTestApp, DATA_KEY, INGEST_KEY } from '../helpers/app.js';

// docs/contract.md (Operations): the metric families GET /metrics exposes. Each row names the family and the traffic
// that makes it produce samples; a feature that is not routed yet keeps its row declared-only.
const FAMILIES = [
  { name: 'http_request_duration_seconds', type: 'histogram' },
  { name: 'data_action_source_duration_seconds', type: 'histogram', after: 'dataAction' },
  { name: 'data_action_source_results_total', type: 'counter', after: 'dataAction' },
  { name: 'data_action_requests_total', type: 'counter', after: 'dataAction' },
  { name: 'outbound_retries_total', type: 'counter', after: 'dataAction' },
  { name: 'cache_lookups_total', type: 'counter', after: 'dataAction' },
  { name: 'circuit_state', type: 'gauge' },
  { name: 'ingest_events_total', type: 'counter', after: 'ingest' },
  { name: 'ingest_batch_size', type: 'histogram', after: 'ingest' },
  { name: 'ingest_sink_write_duration_seconds', type: 'histogram', after: 'ingest' },
  { name: 'ingest_pending_events', type: 'gauge' },
  { name: 'ingest_queue_max', type: 'gauge' },
] as const;

const envelope = {
  version: '0', id: 'metrics-test-1', 'detail-type': 'v2.audits.entitytype.{id}.entityid.{id}',
  source: 'aws.partner/genesys.com/cloud/x/y', account: '123456789012', time: '2026-01-01T00:00:00Z',
  region: 'us-east-1', resources: [], detail: { n: 1 },
};

describe('GET /metrics', () => {
  let app: App;
  let sim: Simulator;
  let text: string;
  const routed = { dataAction: false, ingest: false };
  beforeAll(async () => {
    // Real sources behind the data actions, reached over loopback (the simulator is the only fake).
    sim = await startSimulator();
    app = await buildTestApp({
      GENESYS_CLIENT_ID: 'sim-client', GENESYS_CLIENT_SECRET: 'sim-secret',
      GENESYS_API_URL: sim.urls.genesysApi, GENESYS_LOGIN_URL: sim.urls.genesysLogin,
      CRM_BASE_URL: sim.urls.crm, CRM_API_KEY: 'sim-crm-key',
      ORDERS_BASE_URL: sim.urls.orders, ORDERS_API_KEY: 'sim-orders-key',
    });
    routed.dataAction = app.hasRoute({ method: 'POST', url: '/v1/data-actions/customer-context' });
    routed.ingest = app.hasRoute({ method: 'POST', url: '/v1/events/eventbridge' });
    await app.inject('/healthz');
    if (routed.dataAction) {
      sim.setFault('crm', { kind: 'status', status: 503, times: 1 }); // one retry to count
      const res = await app.inject({
        method: 'POST', url: '/v1/data-actions/customer-context',
        headers: { 'x-api-key': DATA_KEY }, payload: { customerId: 'c-1', userId: 'u-1' },
      });
      expect(res.statusCode).toBe(200);
    }
    if (routed.ingest) {
      const res = await app.inject({
        method: 'POST', url: '/v1/events/eventbridge', headers: { 'x-api-key': INGEST_KEY }, payload: envelope,
      });
      expect(res.statusCode).toBe(200);
    }
    const res = await app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    text = res.body;
  });
  afterAll(async () => {
    await app.close();
    await sim.close();
  });

  it.each(FAMILIES)('declares $name as a $type', ({ name, type }) => {
    expect(text).toContain(`# TYPE ${name} ${type}`);
  });

  it('records each request by route pattern and status, and not /metrics itself', () => {
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} 1/);
    expect(text).not.toMatch(/route="\/metrics"/);
  });

  it('has samples for every family whose feature got traffic', () => {
    const expected = FAMILIES.filter((f) => 'after' in f && routed[f.after]);
    for (const { name, type } of expected) {
      const sample = type === 'histogram' ? `${name}_count` : name;
      expect(text, name).toMatch(new RegExp(`^${sample}(\\{[^}]*\\})? [1-9]`, 'm'));
    }
  });

  it('reports INGEST_QUEUE_MAX as ingest_queue_max, the bound the pending queue is alerted against', async () => {
    const bounded = await buildTestApp({ INGEST_QUEUE_MAX: '123' });
    const body = (await bounded.inject('/metrics')).body;
    await bounded.close();
    expect(body).toMatch(/^ingest_queue_max 123$/m);
  });

  it('exposes the process metrics', () => {
    expect(text).toContain('# TYPE process_cpu_seconds_total counter');
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });
});
