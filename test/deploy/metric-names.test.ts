import { connect, type Socket } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.js';
import { dataActionApp, startSimulator, type Simulator } from '../data-actions/helpers.js';
import { makeEvent, URL_PATH } from '../events/helpers.js';
import { DATA_KEY, INGEST_KEY } from '../helpers/app.js';
import { exchange } from '../helpers/raw-http.js';
import { dashboardExpressions, ruleExpressions, selectors, type Matcher } from './promql.js';

// No dashboard of dead queries: every series the alert rules and the dashboard select must be
// one a real app exposes once both route families had traffic.

/** Made by Prometheus itself, not by the service. */
const PROMETHEUS_MADE = new Set(['up']);
/** Added by the scrape (deploy/prometheus/alerts.yaml selects the job), not by the service. */
const TARGET_LABELS = new Set(['job', 'instance', 'namespace', 'pod']);
/** Outcome labels: their failing values (503, timeout, late...) appear only when something fails. */
const OUTCOME_LABELS = new Set(['status', 'result', 'outcome', 'reason', 'code', 'complete']);

type Sample = { name: string; labels: Record<string, string> };

function parseSamples(text: string): Sample[] {
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((line) => {
    const [, name, body = ''] = /^([\w:]+)(?:\{(.*)\})? /.exec(line)!;
    const labels = Object.fromEntries([...body.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => [k!, v!]));
    return { name: name!, labels };
  });
}

/** A positive matcher against one label value; PromQL anchors its regular expressions. */
const matches = (m: Matcher, value: string | undefined) =>
  (m.op === '=' ? value === m.value : new RegExp(`^(?:${m.value})$`).test(value ?? ''));

/** What is wrong with one selector against the scrape, if anything. */
function deadSelector(name: string, matchers: Matcher[], samples: Sample[]): string | undefined {
  if (PROMETHEUS_MADE.has(name)) return undefined;
  const series = samples.filter((s) => s.name === name);
  if (series.length === 0) return `${name} has no samples`;
  for (const m of matchers.filter((x) => !TARGET_LABELS.has(x.label) && !x.value.includes('$'))) {
    if (!series.some((s) => m.label in s.labels)) return `${name} has no label ${m.label}`;
    const positive = m.op === '=' || m.op === '=~';
    if (positive && !OUTCOME_LABELS.has(m.label) && !series.some((s) => matches(m, s.labels[m.label]))) {
      return `no ${name} series has ${m.label}${m.op}"${m.value}"`;
    }
  }
  return undefined;
}

describe('selectors (the PromQL reading the check relies on)', () => {
  it('finds names and matchers, and not functions, keywords, grouping labels, numbers or ranges', () => {
    const expr = 'histogram_quantile(0.99, sum by (le, sink) (rate(a_bucket{job="j", route=~"/v1/.+"}[5m])))'
      + ' / on (instance) group_left b > 0.5 and absent(c{x!="y"} == 1) or vector(2.5) offset 5m';
    expect(selectors(expr)).toEqual([
      { name: 'a_bucket',
        matchers: [{ label: 'job', op: '=', value: 'j' }, { label: 'route', op: '=~', value: '/v1/.+' }] },
      { name: 'c', matchers: [{ label: 'x', op: '!=', value: 'y' }] },
      { name: 'b', matchers: [] },
    ]);
  });
});

describe('the metrics the alert rules and the dashboard query', () => {
  let sim: Simulator;
  let app: App;
  let samples: Sample[];

  beforeAll(async () => {
    sim = await startSimulator();
    // One connection at most, so that a second one is refused; a queue of one event, so that an
    // array of two is rejected: the counters of those failures get their series.
    ({ app } = await dataActionApp(sim, { MAX_CONNECTIONS: '1', INGEST_QUEUE_MAX: '1' }));
    const port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port);
    const scrape = async () => (await app.inject('/metrics')).body;
    // The one connection is free again once the service has seen the previous one close.
    const closed = async () => expect(await scrape()).toMatch(/^http_connections_open 0$/m);
    expect((await exchange(port, 'NOT HTTP\r\n\r\n')).status).toBe(400);
    await vi.waitFor(closed);

    const agent = new Agent({ connections: 1 }); // one socket, under MAX_CONNECTIONS
    const post = async (path: string, key: string, body: unknown) => {
      const res = await request(`http://127.0.0.1:${port}${path}`, {
        method: 'POST', dispatcher: agent, body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', 'x-api-key': key },
      });
      await res.body.dump();
      return res.statusCode;
    };
    sim.setFault('crm', { kind: 'status', status: 503, times: 1 }); // one retry
    expect(await post('/v1/data-actions/customer-context', DATA_KEY, { customerId: 'c-1', userId: 'u-1' })).toBe(200);
    const event = makeEvent();
    expect(await post(URL_PATH, INGEST_KEY, event)).toBe(200);
    expect(await post(URL_PATH, INGEST_KEY, event)).toBe(200); // a duplicate
    expect(await post(URL_PATH, INGEST_KEY, [makeEvent(), makeEvent()])).toBe(429);
    await request(`http://127.0.0.1:${port}/readyz`, { dispatcher: agent }).then((r) => r.body.dump());
    await agent.close();
    await vi.waitFor(closed);

    const held: Socket[] = [];
    const open = () => new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => resolve());
      socket.on('error', () => undefined);
      held.push(socket);
    });
    await open();
    await open();
    await vi.waitFor(async () => expect(await scrape()).toContain('http_connections_refused_total{'));
    for (const socket of held) socket.destroy();

    samples = parseSamples(await scrape());
  });
  afterAll(async () => {
    await app?.close();
    await sim?.close();
  });

  it.each([['alert rule', ruleExpressions], ['dashboard query', dashboardExpressions]])(
    'every %s selects series the service exposes', (_kind, expressions) => {
      const all = expressions();
      expect(all.length).toBeGreaterThan(10);
      const dead = all.flatMap(({ name, expr }) => selectors(expr)
        .map((s) => deadSelector(s.name, s.matchers, samples))
        .filter((problem) => problem !== undefined)
        .map((problem) => `${name}: ${problem}`));
      expect(dead).toEqual([]);
    },
  );

  it('tells a dead selector from a live one', () => {
    expect(deadSelector('circuit_state', [{ label: 'source', op: '=', value: 'crm' }], samples)).toBeUndefined();
    expect(deadSelector('circuit_states', [], samples)).toBe('circuit_states has no samples');
    expect(deadSelector('circuit_state', [{ label: 'backend', op: '=', value: 'crm' }], samples))
      .toBe('circuit_state has no label backend');
    const v2 = { label: 'route', op: '=~', value: '/v2/.+' } as const;
    expect(deadSelector('http_request_duration_seconds_count', [v2], samples))
      .toBe('no http_request_duration_seconds_count series has route=~"/v2/.+"');
  });
});
