import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DATA_KEY } from '../helpers/app.js';
import { manualClock, until } from '../helpers/clock.js';
import { withSimulator } from './helpers.js';

// Who owns a source's outcome when its budget ends: the source itself, with what it has (the
// orders so far, the last cached value), not a timeout from a timer racing it; and the deadline
// counts from the request's arrival, as Genesys' own timeout does.

const t = withSimulator();
const { setup } = t;

describe('a budget that ends while the source is still working', () => {
  it('answers the orders so far with hasMore when the budget ends on a later page, every time', async () => {
    const { clock, advance } = manualClock();
    const { post } = await setup({ ORDERS_TIMEOUT_MS: '600' }, { clock });
    t.sim.configure({ ordersPerCustomer: 7, ordersPageMax: 1 });
    for (let run = 0; run < 5; run += 1) {
      t.sim.clearFaults();
      // Page 1 takes 150 ms; the hang is installed while it is on its way, so page 2 hangs.
      t.sim.setLatency('orders', 150);
      const before = t.sim.hits('orders');
      const answer = post('orders', { customerId: 'c-1', ordersLimit: 5 });
      await until(() => t.sim.hits('orders') > before, 'page 1');
      t.sim.setFault('orders', { kind: 'hang' });
      await until(() => t.sim.hits('orders') === before + 2, 'page 2');
      await advance(600);
      const body = (await answer).json();
      expect(body.orders, `run ${run}`).toMatchObject({ status: 'ok', error: '', count: 1, hasMore: true });
      expect(body.orders.items.map((o: { orderId: string }) => o.orderId)).toEqual(['o-c-1-1']);
      expect(body).toMatchObject({ complete: true, failedSources: '' });
      expect(t.sim.hits('orders') - before).toBe(2); // page 1, then the hanging page 2 and nothing after
    }
  });

  it('serves the cached user and account, flagged stale, when the backends hang after the TTL', async () => {
    const { clock, advance } = manualClock();
    const { post, metric } = await setup({
      USER_CACHE_TTL_MS: '50', CRM_CACHE_TTL_MS: '50', GENESYS_TIMEOUT_MS: '400', CRM_TIMEOUT_MS: '400',
    }, { clock });
    const payload = { customerId: 'c-1', userId: 'u-1', include: 'user,crm' };
    const first = (await post('customer-context', payload)).json();
    expect(first).toMatchObject({
      complete: true, user: { status: 'ok', stale: false }, crm: { status: 'ok', stale: false },
    });
    await advance(51);
    t.sim.setFault('users', { kind: 'hang' });
    t.sim.setFault('crm', { kind: 'hang' });
    for (let run = 0; run < 5; run += 1) {
      const answer = post('customer-context', payload);
      await until(() => t.sim.hits('users') === 2 + run && t.sim.hits('crm') === 2 + run, 'the refreshes');
      await advance(400);
      const body = (await answer).json();
      expect(body, `run ${run}`).toMatchObject({
        complete: true,
        failedSources: '',
        user: { status: 'ok', error: '', stale: true, id: first.user.id, name: first.user.name, presence: 'Available' },
        crm: { status: 'ok', error: '', stale: true, accountId: 'c-1', name: first.crm.name, tier: first.crm.tier },
      });
    }
    expect(await metric('cache_lookups_total', { cache: 'genesys-user', result: 'stale' })).toBe(5);
    expect(await metric('cache_lookups_total', { cache: 'crm-account', result: 'stale' })).toBe(5);
    expect(await metric('data_action_source_results_total', { source: 'crm', status: 'timeout' })).toBe(0);
  });
});

describe('the deadline', () => {
  it('counts from the arrival of the request, not from the end of its body', async () => {
    const BODY_DELAY_MS = 700;
    const { app } = await setup({ DATA_ACTION_DEADLINE_MS: '1000' });
    for (const b of ['login', 'users', 'crm', 'orders'] as const) t.sim.setFault(b, { kind: 'hang' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const payload = JSON.stringify({ customerId: 'c-1', userId: 'u-1' });

    const t0 = performance.now();
    const answer = new Promise<{ status: number; body: string; ms: number }>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port, method: 'POST', path: '/v1/data-actions/customer-context',
        headers: {
          'x-api-key': DATA_KEY, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload),
        },
      }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => { body += chunk; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - t0 }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.flushHeaders(); // the headers now, the body later: a slow upload
      setTimeout(() => req.end(payload), BODY_DELAY_MS);
    });
    const { status, body, ms } = await answer;
    expect(status).toBe(200);
    const context = JSON.parse(body);
    expect([context.user.status, context.crm.status, context.orders.status]).toEqual(['timeout', 'timeout', 'timeout']);
    // The service's own time includes the upload, and the answer came by the deadline from the
    // first byte (plus slack for a busy machine), not a whole deadline after the body.
    expect(context.latencyMs).toBeGreaterThanOrEqual(BODY_DELAY_MS - 50);
    expect(context.latencyMs).toBeLessThan(1400);
    expect(ms).toBeLessThan(1500); // counted from the body's end it would be >= 700 + 975 ms
  });
});
