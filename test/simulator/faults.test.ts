// Fault injection, the /__sim control API and close() behaviour, over real loopback HTTP.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { getAccount, postJson, postOrders, waitFor } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const orders = { customerId: 'c-1', status: ['ACTIVE'], limit: 5 };

describe('faults', () => {
  it('status fault applies `times` then the backend behaves normally; hits count faulted calls', async () => {
    sim.setFault('crm', { kind: 'status', status: 503, times: 2 });
    const r1 = await getAccount(sim, 'c-1');
    expect(r1.status).toBe(503);
    expect(await r1.json()).toEqual({ message: 'simulated 503' });
    expect((await getAccount(sim, 'c-1')).status).toBe(503);
    expect((await getAccount(sim, 'c-1')).status).toBe(200);
    expect(sim.hits('crm')).toBe(3);
    expect(sim.hits('orders')).toBe(0);
  });

  it('sets Retry-After as delta-seconds or as an HTTP date', async () => {
    sim.setFault('orders', { kind: 'status', status: 429, retryAfter: { seconds: 7, format: 'seconds' } });
    const s = await postOrders(sim, orders);
    expect(s.status).toBe(429);
    expect(s.headers.get('retry-after')).toBe('7');
    sim.setFault('orders', { kind: 'status', status: 503, retryAfter: { seconds: 30, format: 'date' } });
    const d = await postOrders(sim, orders);
    const header = d.headers.get('retry-after') ?? '';
    expect(header).toMatch(/GMT$/);
    const delta = Date.parse(header) - Date.now();
    expect(delta).toBeGreaterThan(27_000);
    expect(delta).toBeLessThanOrEqual(30_000);
  });

  it('adds fault latency on top of baseline latency', async () => {
    // Wide margins: these run in parallel with the rest of the suite on loaded CI machines.
    sim.setLatency('crm', 50);
    sim.setFault('crm', { latencyMs: 200, times: 1 });
    let t = performance.now();
    expect((await getAccount(sim, 'c-1')).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(245);
    t = performance.now();
    await getAccount(sim, 'c-1');
    const second = performance.now() - t;
    expect(second).toBeGreaterThanOrEqual(45);
    expect(second).toBeLessThan(245);
  });

  it('hang never answers, so the client times out; other backends are unaffected', async () => {
    sim.setFault('crm', { kind: 'hang' });
    const err = await getAccountWithTimeout(150).catch((e: unknown) => e);
    expect((err as Error).name).toBe('TimeoutError');
    expect((await postOrders(sim, orders)).status).toBe(200);
  });

  it('reset destroys the socket (fetch fails), then recovers after `times`', async () => {
    sim.setFault('orders', { kind: 'reset', times: 1 });
    const err = await postOrders(sim, orders).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError); // undici: "fetch failed" (other side closed / ECONNRESET)
    expect((await postOrders(sim, orders)).status).toBe(200);
    expect(sim.hits('orders')).toBe(2);
  });

  it('garbage is a 200 application/json that does not parse', async () => {
    sim.setFault('crm', { kind: 'garbage' });
    const res = await getAccount(sim, 'c-1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    await expect(res.json()).rejects.toThrow(SyntaxError);
  });

  it('oversize is valid JSON larger than 2 MiB', async () => {
    sim.setFault('crm', { kind: 'oversize' });
    const res = await getAccount(sim, 'c-1');
    const text = await res.text();
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 * 1024 * 1024);
    expect((JSON.parse(text) as { id: string }).id).toBe('oversize');
  });

  it('setFault rejects malformed faults', () => {
    expect(() => sim.setFault('crm', { kind: 'explode' } as never)).toThrow(/unknown kind/);
  });
});

function getAccountWithTimeout(ms: number): Promise<Response> {
  return fetch(`${sim.urls.crm}/v2/accounts?id=c-1`, {
    headers: { 'x-api-key': 'sim-crm-key' },
    signal: AbortSignal.timeout(ms),
  });
}

describe('control API over HTTP', () => {
  it('says what it changed when asked with Prefer: return=representation, and nothing otherwise', async () => {
    const ctl = sim.urls.crm;
    const prefer = { 'content-type': 'application/json', prefer: 'return=representation' };
    const set = await fetch(`${ctl}/__sim/faults/crm`, { method: 'POST', headers: prefer, body: '{"latencyMs":3000}' });
    expect([set.status, await set.json()]).toEqual([200, { backend: 'crm', fault: { latencyMs: 3000 } }]);
    const body = '{"backend":"all","ms":5}';
    const latency = await fetch(`${ctl}/__sim/latency`, { method: 'POST', headers: prefer, body });
    expect(await latency.json()).toEqual({ backend: 'all', latencyMs: 5 });
    const cleared = await fetch(`${ctl}/__sim/faults`, { method: 'DELETE', headers: prefer });
    expect([cleared.status, await cleared.json()]).toEqual([200, { faults: 'cleared' }]);
    expect((await getAccount(sim, 'c-1')).status).toBe(200);
  });

  it('switches faults, latency, reads hits/collected and resets, from any backend port', async () => {
    const ctl = sim.urls.orders; // any backend serves /__sim
    expect((await postJson(`${ctl}/__sim/faults/crm`, { kind: 'status', status: 500 })).status).toBe(204);
    expect((await getAccount(sim, 'c-1')).status).toBe(500);
    expect((await postJson(`${ctl}/__sim/faults`, '', 'DELETE')).status).toBe(204);
    expect((await getAccount(sim, 'c-1')).status).toBe(200);
    // curl -d sends a form content-type; control bodies are parsed as JSON anyway.
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const viaCurl = await fetch(`${ctl}/__sim/faults/crm`, { method: 'POST', headers: form, body: '{"kind":"reset"}' });
    expect(viaCurl.status).toBe(204);
    await expect(getAccount(sim, 'c-1')).rejects.toThrow(TypeError);
    sim.clearFaults();
    expect((await postJson(`${ctl}/__sim/faults/nope`, {})).status).toBe(400);
    expect((await postJson(`${ctl}/__sim/faults/crm`, { type: 'hang' })).status).toBe(400); // typo'd field
    expect((await postJson(`${ctl}/__sim/faults/crm`, { kind: 'boom' })).status).toBe(400);

    expect((await postJson(`${ctl}/__sim/latency`, { backend: 'all', ms: 150 })).status).toBe(204);
    const t = performance.now();
    await getAccount(sim, 'c-1');
    expect(performance.now() - t).toBeGreaterThanOrEqual(145);

    await postJson(`${sim.urls.collector}/v1/batches`, [{ e: 1 }]);
    expect(await (await fetch(`${ctl}/__sim/collected`)).json()).toEqual([{ e: 1 }]);
    const hits = await (await fetch(`${ctl}/__sim/hits`)).json();
    expect(hits).toEqual({ login: 0, users: 0, crm: 4, orders: 0, collector: 1, vendors: 0 });

    expect((await postJson(`${ctl}/__sim/reset`, '')).status).toBe(204);
    expect(await (await fetch(`${ctl}/__sim/hits`)).json())
      .toEqual({ login: 0, users: 0, crm: 0, orders: 0, collector: 0, vendors: 0 });
    expect(sim.collected()).toEqual([]);
    const t2 = performance.now();
    await getAccount(sim, 'c-1');
    expect(performance.now() - t2).toBeLessThan(145); // latency back to the 0 default
  });

  it('records requests with method, path, query, headers and body', async () => {
    await postOrders(sim, orders);
    const [r] = sim.requests('orders');
    expect(r).toMatchObject({ backend: 'orders', method: 'POST', path: '/v1/orders', query: {}, body: orders });
    expect(r?.headers.authorization).toBe('Bearer sim-orders-key');
  });
});

describe('close()', () => {
  it('returns promptly even with a hanging request open', async () => {
    const own = await startSimulator();
    own.setFault('crm', { kind: 'hang' });
    const pending = fetch(`${own.urls.crm}/v2/accounts?id=c-1`).catch((e: unknown) => e);
    await waitFor(() => own.hits('crm') === 1);
    const t = performance.now();
    await own.close();
    expect(performance.now() - t).toBeLessThan(500);
    expect(await pending).toBeInstanceOf(TypeError); // socket destroyed under the client
  });
});
