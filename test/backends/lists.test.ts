import { expect, it } from 'vitest';
import { hsDeals } from '../../src/simulator/vendors/hubspot-records.js';
import { withSimulator } from '../data-actions/helpers.js';
import { fixture, received, vendorEnv } from './helpers.js';

// A declared list (docs/backends.md, "Items"): how many records it asks for and returns.

const t = withSimulator();
const setup = () => t.setup({ BACKENDS_FILE: fixture('lists'), VENDORS_URL: t.sim.urls.vendors, ...vendorEnv(t.sim) });
const limits = () => received(t.sim, '/crm/v3/objects/deals/search').map((r) => (r.body as { limit: number }).limit);

it('asks for and returns the limit input\'s worth of records when it is given', async () => {
  const { post } = await setup();
  const body = (await post('deals', { customerId: '512', dealsLimit: 4 })).json();
  expect(body.deals).toMatchObject({ status: 'ok', count: 4, hasMore: true });
  expect(body.deals.items).toEqual(hsDeals('512', 4).map((d) => ({ dealId: d.id })));
  expect(limits()).toEqual([4, 2]);
});

it('takes the declared max when the optional limit input is absent', async () => {
  const { post } = await setup();
  const body = (await post('deals', { customerId: '512' })).json();
  expect(body.deals).toMatchObject({ status: 'ok', count: 3, hasMore: true });
  expect(body.deals.items).toEqual(hsDeals('512', 3).map((d) => ({ dealId: d.id })));
  expect(limits()).toEqual([3, 1]);
});
