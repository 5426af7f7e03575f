import { describe, expect, it } from 'vitest';
import { manualClock, settled, until } from '../helpers/clock.js';
import { withSimulator } from './helpers.js';

// One source status (docs/contract.md, "Source statuses") per case, each provoked by a simulator
// fault; every case checks the answer, what the backends saw and, where it tells something, a
// metric. Where time is the point, the app runs on a clock the test moves.

const t = withSimulator();
const { setup } = t;

describe('POST /v1/data-actions/customer-context', () => {
  it('answers ok for every source and sends each backend the documented request', async () => {
    const { post, metric } = await setup();
    const res = await post('customer-context', { customerId: 'c-1', userId: 'u-1', somethingElse: 'ignored' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ customerId: 'c-1', complete: true, failedSources: '' });
    expect(body.user).toMatchObject({
      status: 'ok', error: '', stale: false, id: 'u-1', presence: 'Available', routingStatus: 'IDLE',
    });
    expect(body.crm).toMatchObject({ status: 'ok', accountId: 'c-1', language: 'en-US', preferredChannel: 'voice' });
    expect(body.orders).toMatchObject({ status: 'ok', count: 5, hasMore: true });
    expect(Object.values(body.orders.items[0])).not.toContain(null);

    const [user] = t.sim.requests('users');
    expect(user!.url).toBe('/api/v2/users?id=u-1&expand=presence&expand=routingStatus&pageSize=100');
    expect(user!.headers.authorization).toMatch(/^Bearer /);
    const [crm] = t.sim.requests('crm');
    expect(crm).toMatchObject({ query: { id: 'c-1', include: 'preferences,subscriptions' } });
    expect(crm!.headers['x-api-key']).toBe('sim-crm-key');
    expect(t.sim.requests('orders')[0]!.body).toEqual({ customerId: 'c-1', status: ['ACTIVE', 'PENDING'], limit: 5 });
    expect(t.sim.hits('login')).toBe(1);
    expect(await metric('data_action_source_results_total', { source: 'crm', status: 'ok' })).toBe(1);
    expect(await metric('data_action_requests_total', { route: 'customer-context', complete: 'true' })).toBe(1);
  });

  it('reports not_found for ids the backends do not know', async () => {
    const { post } = await setup();
    const body = (await post('customer-context', { customerId: 'missing-c', userId: 'missing-u' })).json();
    expect([body.user.status, body.crm.status, body.orders.status]).toEqual(['not_found', 'not_found', 'not_found']);
    expect(body).toMatchObject({ complete: false, failedSources: 'user,crm,orders' });
    expect(body.crm).toMatchObject({ accountId: '', name: '', stale: false });
  });

  it('reports timeout for a hanging source at its budget, not before, while the others answer', async () => {
    const { clock, advance } = manualClock();
    const { post, metric } = await setup({ CRM_TIMEOUT_MS: '300' }, { clock });
    t.sim.setFault('crm', { kind: 'hang' });
    const answer = post('customer-context', { customerId: 'c-1', userId: 'u-1' });
    await until(() => t.sim.hits('crm') === 1 && t.sim.hits('orders') >= 1 && t.sim.hits('users') === 1,
      'the three calls');
    await advance(299);
    expect(await settled(answer)).toBe(false);
    await advance(1);
    const body = (await answer).json();
    expect(body.crm).toMatchObject({ status: 'timeout', error: 'crm did not answer within 300 ms' });
    expect([body.user.status, body.orders.status]).toEqual(['ok', 'ok']);
    expect(body.failedSources).toBe('crm');
    expect(t.sim.hits('crm')).toBe(1);
    expect(await metric('data_action_source_results_total', { source: 'crm', status: 'timeout' })).toBe(1);
  });

  it('answers by DATA_ACTION_DEADLINE_MS when every backend hangs, login included', async () => {
    const { clock, advance } = manualClock();
    const { post } = await setup({ DATA_ACTION_DEADLINE_MS: '800' }, { clock });
    for (const b of ['login', 'users', 'crm', 'orders'] as const) t.sim.setFault(b, { kind: 'hang' });
    const answer = post('customer-context', { customerId: 'c-1', userId: 'u-1' });
    await until(() => t.sim.hits('login') === 1 && t.sim.hits('crm') === 1 && t.sim.hits('orders') === 1,
      'the three calls');
    // Each source's budget is the deadline less the time kept to answer: 800 - 25 - 15 ms.
    await advance(759);
    expect(await settled(answer)).toBe(false);
    await advance(1);
    const body = (await answer).json();
    expect([body.user.status, body.crm.status, body.orders.status]).toEqual(['timeout', 'timeout', 'timeout']);
    expect(body.crm.error).toBe('crm did not answer within 760 ms');
    expect(body.user.error).toBe('genesys did not answer within 760 ms');
    expect(body.latencyMs).toBeLessThanOrEqual(800);
    // Nothing was retried: a hang ends with the budget, and no wait fits after it.
    for (const b of ['login', 'crm', 'orders'] as const) expect(t.sim.hits(b)).toBe(1);
    expect(t.sim.hits('users')).toBe(0);
  });

  it('asks the three backends at once, not one after the other', async () => {
    const { clock, advance } = manualClock();
    const { post } = await setup({}, { clock });
    await post('genesys-user', { userId: 'warm-up' }); // log in first: the login is not part of this
    for (const b of ['users', 'crm', 'orders'] as const) t.sim.setFault(b, { kind: 'hang' });
    const answer = post('customer-context', { customerId: 'c-1', userId: 'u-1' });
    // All three are waiting on their backends at the same time: none had to answer first.
    await until(() => t.sim.hits('users') === 2 && t.sim.hits('crm') === 1 && t.sim.hits('orders') === 1,
      'the three calls');
    await advance(2000);
    expect((await answer).json()).toMatchObject({ complete: false, failedSources: 'user,crm,orders' });
  });

  it('reports error for a 5xx, garbage JSON and an oversize body', async () => {
    const { post, metric } = await setup();
    t.sim.setFault('orders', { kind: 'status', status: 500 });
    t.sim.setFault('crm', { kind: 'garbage' });
    t.sim.setFault('users', { kind: 'oversize' });
    const body = (await post('customer-context', { customerId: 'c-1', userId: 'u-1' })).json();
    expect(body.orders).toMatchObject({ status: 'error', error: 'orders answered HTTP 500', count: 0, items: [] });
    expect(body.crm).toMatchObject({ status: 'error', error: 'crm sent an answer that is not JSON' });
    expect(body.user).toMatchObject({ status: 'error', error: 'genesys sent an answer over the 1 MiB limit' });
    expect([t.sim.hits('orders'), t.sim.hits('crm'), t.sim.hits('users')])
      .toEqual([1, 1, 1]); // none of these is retried
    expect(await metric('data_action_source_results_total', { source: 'user', status: 'error' })).toBe(1);
  });

  it('reports unavailable when a backend refuses our credentials', async () => {
    const { post } = await setup({ CRM_API_KEY: 'wrong-key', GENESYS_CLIENT_SECRET: 'wrong-secret' });
    const body = (await post('customer-context', { customerId: 'c-1', userId: 'u-1' })).json();
    expect(body.crm).toMatchObject({ status: 'unavailable', error: 'crm refused our credentials (HTTP 401)' });
    expect(body.user)
      .toMatchObject({ status: 'unavailable', error: 'genesys login refused our credentials (HTTP 401)' });
    expect(JSON.stringify(body)).not.toContain('wrong-');
    expect(t.sim.hits('users')).toBe(0);
  });

  it('skips sources that are not requested, not configured, or lack their input', async () => {
    const { post, metric } = await setup({ ORDERS_BASE_URL: '' });
    const noUser = (await post('customer-context', { customerId: 'c-1' })).json();
    expect(noUser.user).toMatchObject({ status: 'skipped', error: 'no userId in the input', id: '' });
    expect(noUser.orders)
      .toMatchObject({ status: 'skipped', error: 'not configured', count: 0, hasMore: false, items: [] });
    expect(noUser).toMatchObject({ complete: true, failedSources: '' });
    const crmOnly = (await post('customer-context', { customerId: 'c-2', userId: 'u-1', include: 'crm' })).json();
    expect(crmOnly.user).toMatchObject({ status: 'skipped', error: 'not requested' });
    expect(crmOnly.crm.status).toBe('ok');
    expect([t.sim.hits('login'), t.sim.hits('users'), t.sim.hits('orders'), t.sim.hits('crm')]).toEqual([0, 0, 0, 2]);
    expect(await metric('data_action_requests_total', { route: 'customer-context', complete: 'true' })).toBe(2);
  });
});

describe('per-source routes', () => {
  it('answer the same object restricted to their source', async () => {
    const { post } = await setup();
    const user = (await post('genesys-user', { userId: 'u-1' })).json();
    expect(Object.keys(user).sort()).toEqual(['complete', 'customerId', 'failedSources', 'latencyMs', 'user']);
    expect(user).toMatchObject({ customerId: '', complete: true, user: { status: 'ok', id: 'u-1' } });
    const crm = (await post('crm-account', { customerId: 'missing-1' })).json();
    expect(Object.keys(crm).sort()).toEqual(['complete', 'crm', 'customerId', 'failedSources', 'latencyMs']);
    expect(crm).toMatchObject({ complete: false, failedSources: 'crm', crm: { status: 'not_found' } });
    const orders = (await post('orders', { customerId: 'c-1', ordersLimit: 2 })).json();
    expect(orders).toMatchObject({ customerId: 'c-1', orders: { status: 'ok', count: 2, hasMore: true } });
    expect([t.sim.hits('users'), t.sim.hits('crm'), t.sim.hits('orders')]).toEqual([1, 1, 1]);
  });
});
