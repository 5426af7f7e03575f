import { expect, it } from 'vitest';
import { zdTickets, zdUser } from '../../src/simulator/vendors/zendesk-records.js';
import { withSimulator } from '../data-actions/helpers.js';
import { example, genesysMisfit, genesysOutput, received, vendorEnv } from './helpers.js';

// examples/backends/zendesk.yaml against the simulated Zendesk (src/simulator/vendors/zendesk.ts):
// Basic authentication with an API token, users search, tickets by absolute next_page links and by
// a cursor in the query.

const t = withSimulator();
const setup = (env: Record<string, string> = {}) =>
  t.setup({ BACKENDS_FILE: example('zendesk'), ...vendorEnv(t.sim), ...env });
const sent = (path: string) => received(t.sim, path);
const USER = 1234567;
const ticketOf = (z: Record<string, unknown>) => ({
  ticketId: String(z.id), subject: z.subject, status: z.status, priority: z.priority ?? '', updatedAt: z.updated_at,
});

it('answers the user of a phone number, signed in as {email}/token, or not_found', async () => {
  const { app, post, metric } = await setup();
  const user = zdUser({ phone: '+15550100' }, t.sim.urls.vendors);
  const res = await post('zendesk-user', { contact: '+15550100' });
  expect(res.json().zendeskUser).toEqual({
    status: 'ok', error: '', stale: false, userId: String(user.id), name: user.name, email: user.email,
    phone: '+15550100', locale: user.locale,
    organizationId: user.organization_id === null ? '' : String(user.organization_id),
    tier: (user.user_fields as { customer_tier: string | null }).customer_tier ?? '',
    vip: (user.tags as string[]).includes('vip'),
  });
  const [search] = sent('/api/v2/users/search.json');
  expect(search!.query).toEqual({ query: '+15550100' });
  const basic = Buffer.from('agent@sim.example.com/token:sim-zendesk-token').toString('base64');
  expect(search!.headers.authorization).toBe(`Basic ${basic}`);

  expect((await post('zendesk-user', { contact: 'ada@example.com' })).json().zendeskUser)
    .toMatchObject({ status: 'ok', email: 'ada@example.com' });
  expect((await post('zendesk-user', { contact: 'missing@example.com' })).json().zendeskUser)
    .toMatchObject({ status: 'not_found', userId: '', vip: false });
  expect(await metric('data_action_source_results_total', { source: 'zendeskUser', status: 'not_found' })).toBe(1);
  expect(genesysOutput(app, 'zendesk-user', 'zendeskUser'))
    .toMatchObject({ userId: 'string', vip: 'boolean', tier: 'string' });
  expect(genesysMisfit(app, 'zendesk-user', res.json())).toBe('');
});

it('answers unavailable when Zendesk does not authenticate the API token', async () => {
  const { post } = await setup({ ZENDESK_API_TOKEN: 'wrong-token' });
  const res = await post('zendesk-user', { contact: '+15550100' });
  expect(res.json().zendeskUser)
    .toMatchObject({ status: 'unavailable', error: 'zendeskUser refused our credentials (HTTP 401)' });
  expect(res.body).not.toContain('wrong-token');
  expect(sent('/api/v2/users/search.json')).toHaveLength(1);
});

it('follows the search\'s absolute next_page links for the open tickets, asking for what remains', async () => {
  const { app, post } = await setup();
  t.sim.configure({ vendorItemsPerCustomer: 12, vendorPageMax: 2 });
  const open = zdTickets(USER, 12, t.sim.urls.vendors).filter((z) => z.status !== 'solved')
    .sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
  const body = (await post('zendesk-open-tickets', { customerId: String(USER), ticketsLimit: 5 })).json();
  expect(body.zendeskOpenTickets).toMatchObject({ status: 'ok', count: 5, hasMore: true });
  expect(body.zendeskOpenTickets.items).toEqual(open.slice(0, 5).map(ticketOf));
  const pages = sent('/api/v2/search.json');
  expect(pages.map((p) => [p.query.page, p.query.per_page])).toEqual([[undefined, '5'], ['2', '5'], ['3', '5']]);
  expect(pages.every((p) => p.query.query === `type:ticket requester:${USER} status<solved`)).toBe(true);
  expect(genesysOutput(app, 'zendesk-open-tickets', 'zendeskOpenTickets'))
    .toMatchObject({ items: 'array', hasMore: 'boolean', 'items.ticketId': 'string', 'items.status': 'string' });
  expect(genesysMisfit(app, 'zendesk-open-tickets', body)).toBe('');
});

it('stops at a next_page on another origin with hasMore, sending nothing there', async () => {
  const { post } = await setup();
  t.sim.configure({ vendorItemsPerCustomer: 12, vendorLinkOrigin: t.sim.urls.orders });
  const body = (await post('zendesk-open-tickets', { customerId: String(USER) })).json();
  expect(body.zendeskOpenTickets).toMatchObject({ status: 'ok', count: 2, hasMore: true });
  expect(sent('/api/v2/search.json')).toHaveLength(1);
  expect(t.sim.hits('orders')).toBe(0);
});

it('pages the requested tickets by page[after] in the query, and stops when has_more is false', async () => {
  const { app, post } = await setup();
  t.sim.configure({ vendorItemsPerCustomer: 5, vendorPageMax: 2 });
  const recent = zdTickets(USER, 5, t.sim.urls.vendors)
    .sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)));
  const body = (await post('zendesk-recent-tickets', { customerId: String(USER), ticketsLimit: 20 })).json();
  expect(body.zendeskRecentTickets).toMatchObject({ status: 'ok', count: 5, hasMore: false });
  expect(body.zendeskRecentTickets.items).toEqual(recent.map(ticketOf));
  const pages = sent(`/api/v2/users/${USER}/tickets/requested.json`);
  // Three pages of 2, 2 and 1: the last one still carries an after_cursor, but has_more is false.
  expect(pages.map((p) => [p.query['page[size]'], p.query['page[after]'] !== undefined]))
    .toEqual([['20', false], ['18', true], ['16', true]]);
  expect(pages.every((p) => p.query.sort === '-updated_at')).toBe(true);
  expect(genesysOutput(app, 'zendesk-recent-tickets', 'zendeskRecentTickets'))
    .toMatchObject({ items: 'array', 'items.updatedAt': 'string' });
  expect(genesysMisfit(app, 'zendesk-recent-tickets', body)).toBe('');
});

it('answers not_found when Zendesk answers 404 for a user id it does not know', async () => {
  const { post, metric } = await setup();
  const body = (await post('zendesk-recent-tickets', { customerId: 'missing-1' })).json();
  expect(body.zendeskRecentTickets).toMatchObject({ status: 'not_found', count: 0, hasMore: false, items: [] });
  expect(sent('/api/v2/users/missing-1/tickets/requested.json')).toHaveLength(1);
  const labels = { source: 'zendeskRecentTickets', status: 'not_found' };
  expect(await metric('data_action_source_results_total', labels)).toBe(1);
  // ".." would climb out of /users/{id}/ to /api/v2/tickets/requested.json: not sent, not_found.
  const climbing = (await post('zendesk-recent-tickets', { customerId: '..' })).json();
  expect(climbing.zendeskRecentTickets.status).toBe('not_found');
  expect(t.sim.requests('vendors')).toHaveLength(1);
});

it('fans customer-context out to the user and both ticket lists of the example', async () => {
  const { post } = await setup();
  const include = 'zendeskUser,zendeskOpenTickets,zendeskRecentTickets';
  const body = (await post('customer-context', { customerId: String(USER), contact: '+15550100', include })).json();
  const sections = [body.zendeskUser, body.zendeskOpenTickets, body.zendeskRecentTickets];
  expect(sections.map((s: { status: string }) => s.status)).toEqual(['ok', 'ok', 'ok']);
  expect(body).toMatchObject({ complete: true, failedSources: '' });
});
