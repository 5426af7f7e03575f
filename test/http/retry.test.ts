import { describe, expect, it } from 'vitest';
import { withSimulator } from '../data-actions/helpers.js';

// The outbound transport's retries (SPEC §3), seen through the data-action routes: 429 and 503
// honour Retry-After in seconds or as an HTTP date, resets are retried with backoff, and a wait
// that does not fit in the budget is not made.

const t = withSimulator();
const { setup } = t;

async function timedPost(post: (r: string, p: unknown) => Promise<{ json(): Record<string, Record<string, unknown>> }>, route: string, payload: unknown) {
  const t0 = performance.now();
  const body = (await post(route, payload)).json();
  return { body, ms: performance.now() - t0 };
}

describe('retries', () => {
  it('waits a Retry-After of 1 s given in seconds, then answers ok', async () => {
    const { post, metric } = await setup();
    // A warm connection: the wait is allowed when the last attempt's time still fits after it.
    await post('crm-account', { customerId: 'warm-up' });
    t.sim.reset();
    t.sim.setFault('crm', { kind: 'status', status: 429, retryAfter: { seconds: 1, format: 'seconds' }, times: 1 });
    const { body, ms } = await timedPost(post, 'crm-account', { customerId: 'c-1' });
    expect(body.crm).toMatchObject({ status: 'ok', accountId: 'c-1' });
    expect(t.sim.hits('crm')).toBe(2);
    const [first, second] = t.sim.requests('crm');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(1500);
    expect(await metric('outbound_retries_total', { target: 'crm', reason: '429' })).toBe(1);
  });

  it('waits a Retry-After given as an HTTP date, then answers ok', async () => {
    const { post, metric } = await setup();
    t.sim.setFault('orders', { kind: 'status', status: 503, retryAfter: { seconds: 1, format: 'date' }, times: 1 });
    const { body } = await timedPost(post, 'orders', { customerId: 'c-1' });
    expect(body.orders).toMatchObject({ status: 'ok', count: 5 });
    expect(t.sim.hits('orders')).toBe(2);
    expect(await metric('outbound_retries_total', { target: 'orders', reason: '503' })).toBe(1);
  });

  it('ends as rate_limited at once when Retry-After does not fit the budget', async () => {
    const { post, metric } = await setup();
    t.sim.setFault('crm', { kind: 'status', status: 429, retryAfter: { seconds: 30, format: 'seconds' } });
    const { body, ms } = await timedPost(post, 'crm-account', { customerId: 'c-1' });
    expect(body.crm).toMatchObject({ status: 'rate_limited', error: 'crm is rate limiting requests (retry after 30 s)' });
    expect(body.failedSources).toBe('crm');
    expect(t.sim.hits('crm')).toBe(1);
    expect(ms).toBeLessThan(700);
    expect(await metric('outbound_retries_total', { target: 'crm', reason: '429' })).toBe(0);
  });

  it('retries connection resets with backoff, then reports unavailable', async () => {
    const { post, metric } = await setup({ CRM_RETRY_ATTEMPTS: '3', CRM_RETRY_BASE_MS: '100', CRM_RETRY_MAX_MS: '200' });
    t.sim.setFault('crm', { kind: 'reset' });
    const { body } = await timedPost(post, 'crm-account', { customerId: 'c-1' });
    expect(body.crm).toMatchObject({ status: 'unavailable', error: 'crm is unreachable' });
    expect(t.sim.hits('crm')).toBe(3);
    expect(await metric('outbound_retries_total', { target: 'crm', reason: 'reset' })).toBe(2);
  });

  it('recovers from one reset on the next attempt', async () => {
    const { post } = await setup();
    t.sim.setFault('users', { kind: 'reset', times: 1 });
    const { body } = await timedPost(post, 'genesys-user', { userId: 'u-1' });
    expect(body.user).toMatchObject({ status: 'ok', id: 'u-1' });
    expect(t.sim.hits('users')).toBe(2);
  });

  it('reports error after the retries of a persistent 503', async () => {
    const { post } = await setup({ ORDERS_RETRY_BASE_MS: '100', ORDERS_RETRY_MAX_MS: '100' });
    t.sim.setFault('orders', { kind: 'status', status: 503 });
    const { body } = await timedPost(post, 'orders', { customerId: 'c-1' });
    expect(body.orders).toMatchObject({ status: 'error', error: 'orders answered HTTP 503' });
    expect(t.sim.hits('orders')).toBe(3);
  });
});
