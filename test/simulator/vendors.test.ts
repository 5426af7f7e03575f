// The simulated vendors over real loopback HTTP: the documented shapes the examples are written
// against (src/simulator/vendors/), their refusals, and the switches tests use.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { postJson } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.reset();
  sim.configure({ vendorItemsPerCustomer: 5, vendorPageMax: 2, vendorLinkOrigin: '' });
});

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${sim.urls.vendors}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
const CLIENT = { grant_type: 'client_credentials', client_id: 'sim-sf-client', client_secret: 'sim-sf-secret' };

async function sfToken(): Promise<string> {
  return ((await (await form(CLIENT)).json()) as { access_token: string }).access_token;
}
const soql = (token: string, q: string, path = `/services/data/v62.0/query?q=${encodeURIComponent(q)}`) =>
  fetch(`${sim.urls.vendors}${path}`, { headers: { authorization: `Bearer ${token}` } });
const json = async <T>(res: Response | Promise<Response>) => (await (await res).json()) as T;
type SfErrors = { errorCode: string }[];

describe('Salesforce', () => {
  it('issues a token for client credentials in the form or as Basic, without expires_in', async () => {
    const body = (await (await form(CLIENT)).json()) as Record<string, unknown>;
    expect(Object.keys(body).sort())
      .toEqual(['access_token', 'id', 'instance_url', 'issued_at', 'scope', 'signature', 'token_type']);
    const issued = expect.stringMatching(/^\d{13}$/);
    expect(body).toMatchObject({ instance_url: sim.urls.vendors, token_type: 'Bearer', issued_at: issued });
    const basic = `Basic ${Buffer.from('sim-sf-client:sim-sf-secret').toString('base64')}`;
    expect((await form({ grant_type: 'client_credentials' }, { authorization: basic })).status).toBe(200);
  });

  it('refuses a wrong client with a 400 {error, error_description}', async () => {
    const secret = await form({ ...CLIENT, client_secret: 'nope' });
    expect([secret.status, await secret.json()])
      .toEqual([400, { error: 'invalid_client', error_description: 'invalid client credentials' }]);
    expect((await json<{ error: string }>(form({ ...CLIENT, client_id: 'x' }))).error).toBe('invalid_client_id');
    const grant = await json<{ error: string }>(form({ ...CLIENT, grant_type: 'password' }));
    expect(grant.error).toBe('unsupported_grant_type');
  });

  it('answers a 401 INVALID_SESSION_ID for an unknown or revoked token', async () => {
    const token = await sfToken();
    const q = "SELECT Id FROM Account WHERE Id = '001A'";
    expect((await soql(token, q)).status).toBe(200);
    sim.revokeTokens();
    const res = await soql(token, q);
    expect([res.status, await res.json()])
      .toEqual([401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]]);
  });

  it('pages a query by relative nextRecordsUrl, or absolute on the origin set by vendorLinkOrigin', async () => {
    const token = await sfToken();
    const q = "SELECT Id, Status FROM Case WHERE AccountId = '001A' ORDER BY CreatedDate DESC";
    const first = await json<{ nextRecordsUrl: string }>(soql(token, q));
    const record = expect.objectContaining({ attributes: { type: 'Case', url: expect.any(String) } });
    expect(first).toMatchObject({ totalSize: 5, done: false, records: [record, record] });
    const next = await json<{ records: unknown[] }>(soql(token, '', first.nextRecordsUrl));
    expect(next.records).toHaveLength(2);
    sim.configure({ vendorLinkOrigin: sim.urls.crm });
    const foreign = await json<{ nextRecordsUrl: string }>(soql(token, q));
    expect(foreign.nextRecordsUrl.startsWith(`${sim.urls.crm}/services/data/v62.0/query/01g`)).toBe(true);
  });

  it('refuses what its SOQL does not know like Salesforce: INVALID_FIELD, MALFORMED_QUERY', async () => {
    const token = await sfToken();
    const field = await soql(token, "SELECT Foo FROM Account WHERE Id = '1'");
    expect([field.status, (await json<SfErrors>(field))[0]!.errorCode]).toEqual([400, 'INVALID_FIELD']);
    const bad = await soql(token, 'SELECT FROM');
    expect([bad.status, (await json<SfErrors>(bad))[0]!.errorCode]).toEqual([400, 'MALFORMED_QUERY']);
    const none = await json<{ totalSize: number }>(soql(token, "SELECT Id FROM Account WHERE Id = 'missing-1'"));
    expect(none.totalSize).toBe(0);
  });
});

describe('HubSpot and Zendesk', () => {
  const hubspot = (body: unknown, token = 'pat-na1-sim-token') =>
    fetch(`${sim.urls.vendors}/crm/v3/objects/contacts/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const zendesk = (path: string, secret = 'sim-zendesk-token') => fetch(`${sim.urls.vendors}${path}`, {
    headers: { authorization: `Basic ${Buffer.from(`agent@sim.example.com/token:${secret}`).toString('base64')}` },
  });

  it('HubSpot answers properties as strings or null, and refuses a wrong token with its error shape', async () => {
    const filterGroups = [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'ada@example.com' }] }];
    const properties = ['hubspotscore', 'hs_email_optout', 'jobtitle', 'nope'];
    const body = await json<{ total: number; results: { properties: Record<string, unknown> }[] }>(
      hubspot({ filterGroups, properties }));
    expect(body.total).toBe(1);
    const answered = body.results[0]!.properties;
    expect(Object.keys(answered).sort()).toEqual(['hs_email_optout', 'hubspotscore', 'jobtitle']);
    expect(Object.values(answered).every((v) => v === null || typeof v === 'string')).toBe(true);
    const refused = await hubspot({ filterGroups }, 'pat-other');
    expect(refused.status).toBe(401);
    expect(await refused.json())
      .toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION', correlationId: expect.any(String) });
    const greater = [{ filters: [{ propertyName: 'email', operator: 'GT', value: 'a' }] }];
    expect((await hubspot({ filterGroups: greater })).status).toBe(400);
  });

  it('Zendesk refuses a wrong API token and pages by cursor with meta and links', async () => {
    expect([(await zendesk('/api/v2/users/search.json?query=a@b.co', 'x')).status]).toEqual([401]);
    type Page = { tickets: unknown[]; meta: { has_more: boolean; after_cursor: string }; links: { next: string } };
    const page = await json<Page>(zendesk('/api/v2/users/42/tickets/requested.json?page%5Bsize%5D=2'));
    expect(page.tickets).toHaveLength(2);
    expect(page.meta.has_more).toBe(true);
    expect(new URL(page.links.next).searchParams.get('page[after]')).toBe(page.meta.after_cursor);
    expect((await zendesk('/api/v2/users/missing-1/tickets/requested.json')).status).toBe(404);
  });

  it('the control API reaches the vendors server: faults, hits, configure', async () => {
    const fault = { kind: 'status', status: 503, times: 1 };
    expect((await postJson(`${sim.urls.crm}/__sim/faults/vendors`, fault)).status).toBe(204);
    expect((await zendesk('/api/v2/users/search.json?query=a@b.co')).status).toBe(503);
    expect((await zendesk('/api/v2/users/search.json?query=a@b.co')).status).toBe(200);
    expect(sim.hits('vendors')).toBe(2);
    expect((await postJson(`${sim.urls.crm}/__sim/configure`, { vendorLinkOrigin: 'not a url' })).status).toBe(400);
    const origin = { vendorLinkOrigin: `${sim.urls.orders}/x` };
    expect((await postJson(`${sim.urls.crm}/__sim/configure`, origin)).status).toBe(204);
    const search = await json<{ next_page: string }>(zendesk('/api/v2/search.json?query=type%3Aticket+requester%3A42'));
    expect(search.next_page.startsWith(`${sim.urls.orders}/api/v2/search.json?`)).toBe(true);
  });
});
