import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { withSimulator } from '../data-actions/helpers.js';

const t = withSimulator();
const { setup } = t;

it('follows nextCursor until ordersLimit items, and says more exist', async () => {
  const { post } = await setup();
  t.sim.configure({ ordersPerCustomer: 9, ordersPageMax: 2 });
  const body = (await post('orders', { customerId: 'c-1', ordersLimit: 5 })).json();
  expect(body.orders).toMatchObject({ status: 'ok', count: 5, hasMore: true });
  expect(body.orders.items.map((o: { orderId: string }) => o.orderId))
    .toEqual(['o-c-1-1', 'o-c-1-2', 'o-c-1-3', 'o-c-1-4', 'o-c-1-5']);
  const seen = t.sim.requests('orders').map((r) => r.body as { limit: number; cursor?: string });
  expect(seen.map((b) => b.limit)).toEqual([5, 3, 1]);
  expect(seen[0]!.cursor).toBeUndefined();
  expect(seen.slice(1).every((b) => typeof b.cursor === 'string')).toBe(true);
});

it('stops at the last page when fewer orders exist than asked', async () => {
  const { post } = await setup();
  t.sim.configure({ ordersPerCustomer: 9, ordersPageMax: 4 });
  const body = (await post('orders', { customerId: 'c-1', ordersLimit: 50 })).json();
  expect(body.orders).toMatchObject({ status: 'ok', count: 9, hasMore: false });
  expect(t.sim.hits('orders')).toBe(3);
});

it('answers the orders it has, with hasMore, when the budget ends between pages', async () => {
  const { post } = await setup({ ORDERS_TIMEOUT_MS: '400', ORDERS_RETRY_ATTEMPTS: '1' });
  t.sim.configure({ ordersPerCustomer: 9, ordersPageMax: 2 });
  t.sim.setLatency('orders', 150);
  const body = (await post('orders', { customerId: 'c-1', ordersLimit: 9 })).json();
  expect(body.orders.status).toBe('ok');
  expect(body.orders.count).toBeGreaterThanOrEqual(2);
  expect(body.orders.count).toBeLessThan(9);
  expect(body.orders.hasMore).toBe(true);
});

it('reports empty orders as ok with count 0', async () => {
  const { post } = await setup();
  expect((await post('orders', { customerId: 'empty-1' })).json().orders)
    .toMatchObject({ status: 'ok', count: 0, hasMore: false, items: [] });
});

it('coalesces and caches CRM accounts, and serves the last one stale when the CRM is down', async () => {
  const { post, metric } = await setup({ CRM_CACHE_TTL_MS: '50' });
  await Promise.all(Array.from({ length: 10 }, () => post('crm-account', { customerId: 'c-1' })));
  expect(t.sim.hits('crm')).toBe(1);
  await sleep(80);
  t.sim.setFault('crm', { kind: 'reset' });
  const body = (await post('crm-account', { customerId: 'c-1' })).json();
  expect(body)
    .toMatchObject({ complete: true, failedSources: '', crm: { status: 'ok', stale: true, accountId: 'c-1' } });
  expect(await metric('cache_lookups_total', { cache: 'crm-account', result: 'stale' })).toBe(1);
  expect(await metric('cache_lookups_total', { cache: 'crm-account', result: 'hit' })).toBe(9);
  // A customer never seen has nothing stale to fall back on.
  expect((await post('crm-account', { customerId: 'c-2' })).json().crm.status).toBe('unavailable');
});
