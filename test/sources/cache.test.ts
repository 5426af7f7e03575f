import { expect, it } from 'vitest';
import { withSimulator } from '../data-actions/helpers.js';
import { manualClock, until } from '../helpers/clock.js';

// The read-through caches of the Genesys user and the CRM account (lookups are cached and
// coalesced) under pressure: an entry evicted while its backend call runs, and a caller that
// joins a shared call late.

const t = withSimulator();
const { setup } = t;

it('answers 200 when a lookup is evicted from a full cache while its backend call runs', async () => {
  const { post, metric } = await setup({ CACHE_MAX_ENTRIES: '1' });
  t.sim.setLatency('crm', 200);
  const answers = await Promise.all(['c-1', 'c-2', 'c-3'].map((customerId) => post('crm-account', { customerId })));
  // An evicted lookup never reached the backend; it asks again, uncached, and gets its account.
  expect(answers.map((res) => [res.statusCode, res.json().crm.status, res.json().crm.accountId])).toEqual([
    [200, 'ok', 'c-1'], [200, 'ok', 'c-2'], [200, 'ok', 'c-3'],
  ]);
  expect(t.sim.hits('crm')).toBeGreaterThanOrEqual(3);
  expect(await metric('data_action_source_results_total', { source: 'crm', status: 'ok' })).toBe(3);
});

it('answers a caller that joined a shared lookup late, after the first caller gave up', async () => {
  // The first caller's budget is cut to 960 ms by its deadline; the second arrives 800 ms later
  // and may wait until 1760 ms; the CRM answers after that, in real time, while the app's clock
  // stands still: the shared call must not end with the first caller's budget.
  const { clock, advance } = manualClock();
  const { post } = await setup({ CRM_TIMEOUT_MS: '1500', DATA_ACTION_DEADLINE_MS: '1000' }, { clock });
  t.sim.setLatency('crm', 300);
  const first = post('crm-account', { customerId: 'c-1' });
  await until(() => t.sim.hits('crm') === 1, 'the shared CRM call');
  await advance(800);
  const second = post('crm-account', { customerId: 'c-1' });
  await advance(160);
  const a = (await first).json();
  expect(a.crm).toMatchObject({ status: 'timeout', error: 'crm did not answer within 960 ms' });
  const b = (await second).json();
  expect(b.crm).toMatchObject({ status: 'ok', stale: false, accountId: 'c-1' });
  expect(t.sim.hits('crm')).toBe(1);
  // And the answer filled the cache: the next lookup costs no backend call.
  expect((await post('crm-account', { customerId: 'c-1' })).json().crm)
    .toMatchObject({ status: 'ok', accountId: 'c-1' });
  expect(t.sim.hits('crm')).toBe(1);
});
