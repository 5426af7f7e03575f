import { expect, it } from 'vitest';
import { hsContact, hsDeals } from '../../src/simulator/vendors/hubspot-records.js';
import { withSimulator } from '../data-actions/helpers.js';
import { example, genesysMisfit, genesysOutput, received, vendorEnv } from './helpers.js';

// examples/backends/hubspot.yaml against the simulated HubSpot (src/simulator/vendors/hubspot.ts):
// CRM v3 search with a bearer token, string properties coerced, deals paged by `after` in the body.

const t = withSimulator();
const setup = (env: Record<string, string> = {}) =>
  t.setup({ BACKENDS_FILE: example('hubspot'), ...vendorEnv(t.sim), ...env });
const searches = (object: string) => received(t.sim, `/crm/v3/objects/${object}/search`);

it('answers the contact of an email with its fields typed as in the contract, or not_found', async () => {
  const { app, post, metric } = await setup();
  const { id, properties: p } = hsContact({ email: 'ada@example.com' });
  const res = await post('hubspot-contact', { contact: 'ada@example.com' });
  expect(res.json().hubspotContact).toEqual({
    status: 'ok', error: '', stale: false, contactId: id, firstName: p.firstname, lastName: p.lastname,
    email: 'ada@example.com', phone: p.phone, company: p.company, lifecycleStage: p.lifecyclestage,
    // HubSpot's text becomes the contract's type: "42" an integer, "true" a boolean; a null takes the default.
    score: Number(p.hubspotscore), emailOptOut: p.hs_email_optout === 'true', language: p.hs_language ?? 'en',
  });
  const [search] = searches('contacts');
  expect(search!.headers.authorization).toBe('Bearer pat-na1-sim-token');
  expect(search!.body).toEqual({
    filterGroups: [
      { filters: [{ propertyName: 'email', operator: 'EQ', value: 'ada@example.com' }] },
      { filters: [{ propertyName: 'phone', operator: 'EQ', value: 'ada@example.com' }] },
    ],
    properties: [
      'firstname', 'lastname', 'email', 'phone', 'company', 'lifecyclestage', 'hubspotscore', 'hs_email_optout',
      'hs_language',
    ],
    limit: 1,
  });

  expect((await post('hubspot-contact', { contact: 'missing@example.com' })).json().hubspotContact)
    .toMatchObject({ status: 'not_found', contactId: '', score: 0, emailOptOut: false, language: 'en' });
  expect(await metric('data_action_source_results_total', { source: 'hubspotContact', status: 'not_found' })).toBe(1);
  expect(genesysOutput(app, 'hubspot-contact', 'hubspotContact'))
    .toMatchObject({ contactId: 'string', score: 'integer', emailOptOut: 'boolean', language: 'string' });
  expect(genesysMisfit(app, 'hubspot-contact', res.json())).toBe('');
});

it('coerces "42" to an integer and "true" to a boolean, and gives a null property its default', async () => {
  const { post } = await setup();
  // Contacts of the simulated account are a function of the email: pick ones that show each case.
  const emails = Array.from({ length: 1000 }, (_, i) => `caller${i}@example.com`);
  const find = (test: (p: ReturnType<typeof hsContact>['properties']) => boolean) =>
    emails.find((e) => test(hsContact({ email: e }).properties))!;
  const scored = find((p) => p.hubspotscore === '42' && p.hs_email_optout === 'true');
  const noLanguage = find((p) => p.hs_language === null);
  const a = (await post('hubspot-contact', { contact: scored })).json().hubspotContact;
  expect(a).toMatchObject({ score: 42, emailOptOut: true });
  const b = (await post('hubspot-contact', { contact: noLanguage })).json().hubspotContact;
  expect(b.language).toBe('en');
  // hs_language was asked for: HubSpot sent it as null.
  expect((searches('contacts')[1]!.body as { properties: string[] }).properties).toContain('hs_language');
  for (const section of [a, b]) expect(Object.values(section)).not.toContain(null);
});

it('finds the contact by phone with the same input, and refuses one neither an email nor E.164', async () => {
  const { post } = await setup();
  const body = (await post('hubspot-contact', { contact: '+15550100' })).json();
  const { id } = hsContact({ phone: '+15550100' });
  expect(body.hubspotContact).toMatchObject({ status: 'ok', contactId: id, phone: '+15550100' });
  const refused = await post('hubspot-contact', { contact: 'ada@example.com OR 1' });
  expect(refused.statusCode).toBe(400);
  expect(Object.keys(refused.json().error.fields)).toEqual(['contact']);
  expect(searches('contacts')).toHaveLength(1);
});

it('pages the deals with paging.next.after as `after` in the body, asking for what remains', async () => {
  const { app, post } = await setup();
  t.sim.configure({ vendorItemsPerCustomer: 9, vendorPageMax: 2 });
  const deals = hsDeals('512', 9).sort((a, b) => -a.properties.createdate!.localeCompare(b.properties.createdate!));
  const body = (await post('hubspot-deals', { customerId: '512', dealsLimit: 5 })).json();
  expect(body.hubspotDeals).toMatchObject({ status: 'ok', count: 5, hasMore: true });
  expect(body.hubspotDeals.items).toEqual(deals.slice(0, 5).map(({ id, properties: p }) => ({
    dealId: id, name: p.dealname, amount: Number(p.amount), stage: p.dealstage, closeDate: p.closedate,
    closed: p.hs_is_closed === 'true',
  })));
  expect(body.hubspotDeals.items.map((d: { closed: boolean }) => d.closed)).toContain(true);
  const sent = searches('deals').map((r) => r.body as { limit: number; after?: string });
  expect(sent.map((b) => [b.limit, b.after])).toEqual([[5, undefined], [3, '2'], [1, '4']]);
  expect(genesysOutput(app, 'hubspot-deals', 'hubspotDeals'))
    .toMatchObject({ count: 'integer', items: 'array', 'items.amount': 'number', 'items.closed': 'boolean' });
  expect(genesysMisfit(app, 'hubspot-deals', body)).toBe('');
});

it('answers ok with no deals for a contact without any', async () => {
  const { post } = await setup();
  expect((await post('hubspot-deals', { customerId: 'missing-1' })).json().hubspotDeals)
    .toMatchObject({ status: 'ok', count: 0, hasMore: false, items: [] });
  expect(searches('deals')).toHaveLength(1);
});

it('answers unavailable after one refused call with a wrong token: a bearer retry would change nothing', async () => {
  const { post } = await setup({ HUBSPOT_TOKEN: 'pat-na1-revoked' });
  const res = await post('hubspot-contact', { contact: 'ada@example.com' });
  expect(res.json().hubspotContact)
    .toMatchObject({ status: 'unavailable', error: 'hubspotContact refused our credentials (HTTP 401)' });
  expect(res.body).not.toContain('pat-na1-revoked');
  expect(searches('contacts')).toHaveLength(1);
});

it('retries a 429 after its Retry-After, and answers timeout within its budget when HubSpot hangs', async () => {
  const { post, metric } = await setup();
  t.sim.setFault('vendors', { kind: 'status', status: 429, retryAfter: { seconds: 0, format: 'seconds' }, times: 1 });
  expect((await post('hubspot-contact', { contact: 'ada@example.com' })).json().hubspotContact.status).toBe('ok');
  expect(searches('contacts')).toHaveLength(2);
  expect(await metric('outbound_retries_total', { target: 'hubspotContact', reason: '429' })).toBe(1);
  t.sim.setFault('vendors', { kind: 'hang' });
  const hung = await post('hubspot-contact', { contact: 'grace@example.com' });
  expect(hung.statusCode).toBe(200);
  const error = expect.stringMatching(/^hubspotContact did not answer/);
  expect(hung.json().hubspotContact).toMatchObject({ status: 'timeout', error });
});
