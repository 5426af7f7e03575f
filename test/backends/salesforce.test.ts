import { expect, it } from 'vitest';
import { sfAccount, sfCases } from '../../src/simulator/vendors/salesforce-records.js';
import { withSimulator } from '../data-actions/helpers.js';
import { capturingLogger } from '../helpers/app.js';
import { example, genesysMisfit, genesysOutput, received, vendorEnv } from './helpers.js';

// examples/backends/salesforce.yaml against the simulated Salesforce (src/simulator/vendors/salesforce.ts):
// SOQL over the query resource, OAuth 2.0 client credentials, cases paged by nextRecordsUrl.

const t = withSimulator();
const setup = (env: Record<string, string> = {}) =>
  t.setup({ BACKENDS_FILE: example('salesforce'), ...vendorEnv(t.sim), ...env });
const tokenRequests = () => received(t.sim, '/services/oauth2/token');
const queries = () => received(t.sim, '/services/data/');

it('answers the Account of a known Id with its mapped fields, and not_found for a missing one', async () => {
  const { app, post, metric } = await setup();
  const account = sfAccount({ Id: '001SIM0000000042AAA' });
  const body = (await post('salesforce-account', { customerId: account.Id })).json();
  expect(body.salesforceAccount).toEqual({
    status: 'ok', error: '', stale: false,
    accountId: account.Id, name: account.Name, phone: account.Phone, accountType: account.Type,
    rating: account.Rating ?? '', sla: account.SLA__c, priority: account.CustomerPriority__c,
    active: account.Active__c === 'Yes', annualRevenue: account.AnnualRevenue, employees: account.NumberOfEmployees,
  });
  const [query] = queries();
  expect(query!.path).toBe('/services/data/v62.0/query');
  expect(query!.query.q).toBe('SELECT Id, Name, Phone, Type, Rating, SLA__c, CustomerPriority__c, Active__c, '
    + `AnnualRevenue, NumberOfEmployees FROM Account WHERE Id = '${String(account.Id)}'`);

  // totalSize 0 is a 200: the declaration's notFound expression makes it not_found, with every field empty.
  const missing = (await post('salesforce-account', { customerId: 'missing-1' })).json();
  expect(missing.salesforceAccount).toMatchObject({ status: 'not_found', accountId: '', active: false, employees: 0 });
  const results = (status: string) =>
    metric('data_action_source_results_total', { source: 'salesforceAccount', status });
  expect([await results('ok'), await results('not_found')]).toEqual([1, 1]);

  // The action Genesys imports lists the fields, typed, and reads both answers.
  expect(genesysOutput(app, 'salesforce-account', 'salesforceAccount'))
    .toMatchObject({ accountId: 'string', active: 'boolean', annualRevenue: 'number', employees: 'integer' });
  for (const answer of [body, missing]) expect(genesysMisfit(app, 'salesforce-account', answer)).toBe('');
});

it('finds the caller\'s Account by phone through the declared phone input, and refuses one not E.164', async () => {
  const { app, post } = await setup();
  const body = (await post('salesforce-caller', { phone: '+15550100' })).json();
  const { Id } = sfAccount({ Phone: '+15550100' });
  expect(body.salesforceCaller).toMatchObject({ status: 'ok', phone: '+15550100', accountId: Id });
  expect(queries()[0]!.query.q).toMatch(/ FROM Account WHERE Phone = '\+15550100' LIMIT 1$/);
  expect((await post('salesforce-caller', { phone: '+999123456' })).json().salesforceCaller.status).toBe('not_found');

  const refused = await post('salesforce-caller', { phone: "+1' OR Name != '" });
  expect(refused.statusCode).toBe(400);
  expect(refused.json().error.fields).toEqual({ phone: 'must match ^\\+[1-9][0-9]{6,14}$' });
  expect(queries()).toHaveLength(2);
  expect(genesysOutput(app, 'salesforce-caller', 'salesforceCaller')).toHaveProperty('accountId', 'string');
});

it('logs in once for many concurrent calls, in the form body, and reuses the token', async () => {
  const { post } = await setup();
  const ids = Array.from({ length: 8 }, (_, i) => `001SIM00000000${i}0AAA`);
  const answers = await Promise.all(ids.map((id) => post('salesforce-account', { customerId: id })));
  expect(answers.map((a) => a.json().salesforceAccount.status)).toEqual(ids.map(() => 'ok'));
  expect(tokenRequests()).toHaveLength(1);
  const [login] = tokenRequests();
  expect(login!.body)
    .toEqual({ grant_type: 'client_credentials', client_id: 'sim-sf-client', client_secret: 'sim-sf-secret' });
  expect(login!.headers.authorization).toBeUndefined();

  await post('salesforce-account', { customerId: '001SIM0000000099AAA' });
  expect(tokenRequests()).toHaveLength(1);
  const bearers = new Set(queries().map((q) => q.headers.authorization));
  expect(bearers.size).toBe(1);
  expect([...bearers][0]).toMatch(/^Bearer 00DSIM0000000001!/);
});

it('after a revoked session (401 INVALID_SESSION_ID), gets one new token and retries each call once', async () => {
  const { post } = await setup();
  await post('salesforce-account', { customerId: '001SIM0000000001AAA' });
  t.sim.revokeTokens();
  const ids = ['001SIM0000000002AAA', '001SIM0000000003AAA', '001SIM0000000004AAA'];
  const answers = await Promise.all(ids.map((id) => post('salesforce-account', { customerId: id })));
  expect(answers.map((a) => a.json().salesforceAccount.status)).toEqual(['ok', 'ok', 'ok']);
  expect(tokenRequests()).toHaveLength(2);
  // The first call, then each of the three twice: refused with the old token, answered with the new one.
  expect(queries()).toHaveLength(1 + 2 * ids.length);
  const [oldBearer, ...after] = queries().map((q) => q.headers.authorization);
  expect(after.filter((b) => b === oldBearer)).toHaveLength(ids.length);
});

it('answers unavailable, without the secret, when Salesforce refuses the client secret', async () => {
  const { post } = await setup({ SF_CLIENT_SECRET: 'not-the-secret' });
  const res = await post('salesforce-account', { customerId: '001SIM0000000001AAA' });
  expect(res.statusCode).toBe(200);
  expect(res.json().salesforceAccount)
    .toMatchObject({ status: 'unavailable', error: 'salesforceAccount login refused our credentials (HTTP 400)' });
  expect(res.body).not.toContain('not-the-secret');
  expect(tokenRequests()).toHaveLength(1);
  expect(tokenRequests()[0]!.body).toMatchObject({ client_secret: 'not-the-secret' });
  // Within the login backoff, the next call fails at once instead of asking again.
  const again = (await post('salesforce-account', { customerId: '001SIM0000000002AAA' })).json();
  expect(again.salesforceAccount.status).toBe('unavailable');
  expect(tokenRequests()).toHaveLength(1);
  expect(queries()).toHaveLength(0);
});

it('logs neither the client secret nor an access token, through a login and a revoked session', async () => {
  const log = capturingLogger();
  const { post } = await t.setup({ BACKENDS_FILE: example('salesforce'), ...vendorEnv(t.sim) }, { logger: log.logger });
  await post('salesforce-account', { customerId: '001SIM0000000001AAA' });
  t.sim.revokeTokens();
  await post('salesforce-account', { customerId: '001SIM0000000002AAA' });
  const tokens = new Set(queries().map((q) => String(q.headers.authorization).slice('Bearer '.length)));
  expect(tokens.size).toBe(2);
  expect(log.lines.length).toBeGreaterThan(0);
  for (const secret of ['sim-sf-secret', ...tokens]) expect(log.raw()).not.toContain(secret);
});

it('lists the open cases newest first, following relative nextRecordsUrl links until casesLimit', async () => {
  const { app, post } = await setup();
  t.sim.configure({ vendorItemsPerCustomer: 9, vendorPageMax: 2 });
  const accountId = '001SIM0000000042AAA';
  const open = sfCases(accountId, 9).filter((c) => !c.IsClosed);
  const body = (await post('salesforce-cases', { customerId: accountId, casesLimit: 5 })).json();
  expect(body.salesforceCases).toMatchObject({ status: 'ok', openCases: open.length, count: 5, hasMore: true });
  expect(body.salesforceCases.items).toEqual(open.slice(0, 5).map((c) => ({
    caseId: c.Id, caseNumber: c.CaseNumber, subject: c.Subject, status: c.Status, priority: c.Priority,
    createdAt: c.CreatedDate,
  })));
  const sent = queries();
  expect(sent[0]!.query.q)
    .toMatch(/ FROM Case WHERE AccountId = '001SIM0000000042AAA' AND IsClosed = false ORDER BY CreatedDate DESC$/);
  expect(sent.slice(1).map((q) => q.path)).toEqual([
    expect.stringMatching(/^\/services\/data\/v62\.0\/query\/01g[\w-]+-2$/),
    expect.stringMatching(/^\/services\/data\/v62\.0\/query\/01g[\w-]+-4$/),
  ]);
  const { authorization } = sent[0]!.headers;
  for (const q of sent) expect(q.headers).toMatchObject({ authorization, 'sforce-query-options': 'batchSize=200' });
  expect(genesysOutput(app, 'salesforce-cases', 'salesforceCases'))
    .toMatchObject({ openCases: 'integer', count: 'integer', items: 'array', 'items.caseNumber': 'string' });
  expect(genesysMisfit(app, 'salesforce-cases', body)).toBe('');
});

it('takes the declared max when casesLimit is absent', async () => {
  const { post } = await setup();
  t.sim.configure({ vendorItemsPerCustomer: 12, vendorPageMax: 3 });
  const body = (await post('salesforce-cases', { customerId: '001SIM0000000042AAA' })).json();
  expect(body.salesforceCases).toMatchObject({ status: 'ok', openCases: 8, count: 5, hasMore: true });
  expect(queries()).toHaveLength(2);
});

it('stops at a nextRecordsUrl on another origin with hasMore, sending nothing there', async () => {
  const { post } = await setup();
  t.sim.configure({ vendorItemsPerCustomer: 9, vendorLinkOrigin: t.sim.urls.crm });
  const body = (await post('salesforce-cases', { customerId: '001SIM0000000042AAA', casesLimit: 5 })).json();
  expect(body.salesforceCases).toMatchObject({ status: 'ok', count: 2, hasMore: true });
  expect(queries()).toHaveLength(1);
  expect(t.sim.hits('crm')).toBe(0);
});

