import { describe, expect, it } from 'vitest';
import { withSimulator } from '../data-actions/helpers.js';
import { manualClock, settled, until } from '../helpers/clock.js';

// The outbound transport's retries, seen through the data-action routes: 429 and 503 honour
// Retry-After in seconds or as an HTTP date, resets are retried with backoff, and a wait that does
// not fit in the budget is not made. The app runs on a clock the test moves: each wait is exact.

const t = withSimulator();
const { setup } = t;

describe('retries', () => {
  it('waits exactly a Retry-After of 1 s given in seconds, then answers ok', async () => {
    const { clock, advance } = manualClock();
    const { post, metric } = await setup({}, { clock });
    t.sim.setFault('crm', { kind: 'status', status: 429, retryAfter: { seconds: 1, format: 'seconds' }, times: 1 });
    const answer = post('crm-account', { customerId: 'c-1' });
    await until(async () => (await metric('outbound_retries_total', { target: 'crm', reason: '429' })) === 1,
      'the retry');
    await advance(999);
    expect(t.sim.hits('crm')).toBe(1);
    expect(await settled(answer)).toBe(false);
    await advance(1);
    expect((await answer).json().crm).toMatchObject({ status: 'ok', accountId: 'c-1' });
    expect(t.sim.hits('crm')).toBe(2);
  });

  it('waits a Retry-After given as an HTTP date, then answers ok', async () => {
    const { clock, advance } = manualClock();
    const { post, metric } = await setup({}, { clock });
    t.sim.setFault('orders', { kind: 'status', status: 503, retryAfter: { seconds: 1, format: 'date' }, times: 1 });
    const answer = post('orders', { customerId: 'c-1' });
    await until(async () => (await metric('outbound_retries_total', { target: 'orders', reason: '503' })) === 1,
      'the retry');
    // An HTTP date has whole seconds: the wait is up to 1 s, measured against the wall clock.
    expect(t.sim.hits('orders')).toBe(1);
    await advance(1000);
    expect((await answer).json().orders).toMatchObject({ status: 'ok', count: 5 });
    expect(t.sim.hits('orders')).toBe(2);
  });

  it('ends as rate_limited at once when Retry-After does not fit the budget', async () => {
    const { clock } = manualClock();
    const { post, metric } = await setup({}, { clock });
    t.sim.setFault('crm', { kind: 'status', status: 429, retryAfter: { seconds: 30, format: 'seconds' } });
    // No time passes on the app's clock: an answer at all shows that nothing waited.
    const body = (await post('crm-account', { customerId: 'c-1' })).json();
    expect(body.crm)
      .toMatchObject({ status: 'rate_limited', error: 'crm is rate limiting requests (retry after 30 s)' });
    expect(body.failedSources).toBe('crm');
    expect(t.sim.hits('crm')).toBe(1);
    expect(await metric('outbound_retries_total', { target: 'crm', reason: '429' })).toBe(0);
  });

  it('retries connection resets with backoff, then reports unavailable', async () => {
    const { clock, advance } = manualClock();
    const { post, metric } = await setup({
      CRM_RETRY_ATTEMPTS: '3', CRM_RETRY_BASE_MS: '100', CRM_RETRY_MAX_MS: '200',
    }, { clock });
    t.sim.setFault('crm', { kind: 'reset' });
    const answer = post('crm-account', { customerId: 'c-1' });
    const retried = async (n: number) =>
      (await metric('outbound_retries_total', { target: 'crm', reason: 'reset' })) === n;
    await until(() => retried(1), 'the first retry');
    await advance(100); // full jitter: the first wait is at most the base
    await until(() => t.sim.hits('crm') === 2 && retried(2), 'the second retry');
    await advance(200); // the second at most twice the base, capped by the maximum
    const body = (await answer).json();
    expect(body.crm).toMatchObject({ status: 'unavailable', error: 'crm is unreachable' });
    expect(t.sim.hits('crm')).toBe(3);
  });

  it('recovers from one reset on the next attempt', async () => {
    const { clock, advance } = manualClock();
    const { post, metric } = await setup({}, { clock });
    t.sim.setFault('users', { kind: 'reset', times: 1 });
    const answer = post('genesys-user', { userId: 'u-1' });
    await until(async () => (await metric('outbound_retries_total', { target: 'genesys', reason: 'reset' })) === 1,
      'the retry');
    await advance(100);
    expect((await answer).json().user).toMatchObject({ status: 'ok', id: 'u-1' });
    expect(t.sim.hits('users')).toBe(2);
  });

  it('reports error after the retries of a persistent 503', async () => {
    const { clock, advance } = manualClock();
    const { post, metric } = await setup({ ORDERS_RETRY_BASE_MS: '100', ORDERS_RETRY_MAX_MS: '100' }, { clock });
    t.sim.setFault('orders', { kind: 'status', status: 503 });
    const answer = post('orders', { customerId: 'c-1' });
    for (const n of [1, 2]) {
      await until(async () => (await metric('outbound_retries_total', { target: 'orders', reason: '503' })) === n,
        `retry ${n}`);
      await advance(100);
    }
    expect((await answer).json().orders).toMatchObject({ status: 'error', error: 'orders answered HTTP 503' });
    expect(t.sim.hits('orders')).toBe(3);
  });
});
