import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { buildGenesysActions } from '../../src/openapi/genesys.js';
import { withSimulator } from '../data-actions/helpers.js';
import { manualClock } from '../helpers/clock.js';

// Declared backends through the routes, against the simulator: OAuth 2.0 client credentials (the
// simulated Genesys login and users API), placeholders and their encoding, optional inputs, the
// generated contracts. The vendors' shapes are exercised by the examples' tests.

const dir = mkdtempSync(join(tmpdir(), 'gdas-declared-'));
const t = withSimulator();

const AGENT = `
inputs:
  agentRef:
    type: string
    description: Any text, to see how it is encoded
  note:
    type: string
    description: An optional query value
backends:
  - name: agent
    title: Agent Card
    baseUrl: \${env:T_USERS_URL}
    auth:
      type: oauth2
      tokenUrl: \${env:T_LOGIN_URL}/oauth/token
      clientId: sim-client
      clientSecret: \${env:T_SECRET:-sim-secret}
    request:
      method: GET
      path: "/api/v2/users/{agentRef}"
      query: { expand: presence, note: "n={note}" }
    inputs: { note: optional }
    notFound: { status: [404] }
    output:
      id: { type: string, from: id, required: true, description: Genesys user id, example: u-1 }
      presence: { type: string, from: presence.presenceDefinition.systemPresence, default: Offline }
      label: { type: string, from: 'name & " (" & department & ")"' }
      version: { type: integer, from: version }
`;

async function agentApp(env: Record<string, string> = {}, overrides = {}) {
  const path = join(dir, `agent-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, AGENT);
  return t.setup({
    BACKENDS_FILE: path,
    T_USERS_URL: t.sim.urls.genesysApi,
    T_LOGIN_URL: t.sim.urls.genesysLogin,
    ...env,
  }, overrides);
}

it('gets one client-credentials token for every concurrent call, and maps the answer', async () => {
  const { post } = await agentApp();
  t.sim.setLatency('login', 50);
  const answers = await Promise.all(['u-1', 'u-2', 'u-3'].map((agentRef) => post('agent', { agentRef })));
  for (const [i, a] of answers.entries()) {
    expect(a.json().agent).toMatchObject({
      status: 'ok', error: '', stale: false,
      id: `u-${i + 1}`, presence: 'Available', label: `Agent u-${i + 1} (Support)`, version: 1,
    });
  }
  expect(t.sim.hits('login')).toBe(1);
  const login = t.sim.requests('login')[0]!;
  expect(login.headers.authorization).toBe(`Basic ${Buffer.from('sim-client:sim-secret').toString('base64')}`);
  expect(login.body).toEqual({ grant_type: 'client_credentials' });
  expect(new Set(t.sim.requests('users').map((r) => r.headers.authorization)).size).toBe(1);
});

it('asks for a new token and retries once when the API refuses a revoked one', async () => {
  const { post } = await agentApp();
  expect((await post('agent', { agentRef: 'u-1' })).json().agent.status).toBe('ok');
  t.sim.revokeTokens();
  expect((await post('agent', { agentRef: 'u-2' })).json().agent).toMatchObject({ status: 'ok', id: 'u-2' });
  expect([t.sim.hits('login'), t.sim.hits('users')]).toEqual([2, 3]);
});

it('reports a refused client secret as unavailable, and asks again only after its backoff', async () => {
  const { clock, advance } = manualClock();
  const { post, app } = await agentApp({ T_SECRET: 'wrong' }, { clock });
  // The Genesys user source logs in at the same simulated endpoint, with the right secret.
  const wrong = `Basic ${Buffer.from('sim-client:wrong').toString('base64')}`;
  const attempts = () => t.sim.requests('login').filter((r) => r.headers.authorization === wrong).length;
  expect((await post('agent', { agentRef: 'u-1' })).json().agent)
    .toMatchObject({
      status: 'unavailable', error: 'agent login refused our credentials (HTTP 401)', id: '', presence: 'Offline',
    });
  expect((await post('agent', { agentRef: 'u-1' })).json().agent.status).toBe('unavailable');
  const readiness = (await app.inject('/readyz')).json();
  expect(readiness.checks['agent-login']).toBe('failed: agent login refused our credentials (HTTP 401)');
  expect(attempts()).toBe(1);
  await advance(1000);
  await post('agent', { agentRef: 'u-1' });
  expect(attempts()).toBe(2);
});

it('encodes an input as one path segment and in the query, and leaves an absent optional input out', async () => {
  const { post } = await agentApp();
  const odd = "a b/ç'&?#%";
  const body = (await post('agent', { agentRef: odd, note: 'x&y=z' })).json();
  expect(body.agent.status).toBe('ok');
  const [withNote] = t.sim.requests('users');
  expect(withNote!.path).toBe(`/api/v2/users/${encodeURIComponent(odd)}`);
  expect(withNote!.query).toEqual({ expand: 'presence', note: 'n=x&y=z' });
  expect((await post('agent', { agentRef: 'u-9' })).json().agent.status).toBe('ok');
  expect(t.sim.requests('users')[1]!.query).toEqual({ expand: 'presence' });
});

it('answers not_found, and a missing required field as error, with every field present', async () => {
  const { post } = await agentApp();
  expect((await post('agent', { agentRef: 'missing-1' })).json().agent)
    .toMatchObject({
      status: 'not_found', error: 'agent has no record for this id', id: '', presence: 'Offline', label: '', version: 0,
    });
  t.sim.setFault('users', { kind: 'status', status: 200 });
  expect((await post('agent', { agentRef: 'u-1' })).json().agent)
    .toMatchObject({ status: 'error', error: 'agent sent an answer without id' });
});

it('is skipped without its required input, and its own route refuses a request without it', async () => {
  const { post } = await agentApp();
  expect((await post('customer-context', { customerId: 'c-1' })).json().agent)
    .toMatchObject({ status: 'skipped', error: 'no agentRef in the input' });
  const refused = await post('agent', { note: 'x' });
  expect(refused.statusCode).toBe(400);
  expect(refused.json().error.fields).toEqual({ agentRef: 'is required' });
});

it('publishes its route, its section and its inputs in OpenAPI and in its Genesys action', async () => {
  const { app } = await agentApp();
  const paths = Object.keys(app.openapi.document().paths);
  expect(paths).toContain('/v1/data-actions/agent');
  const actions = buildGenesysActions(app.openapi.routes(), app.config);
  const own = actions.get('agent.json')!;
  expect(own.name).toBe('Genesys Data Actions Service - Agent Card');
  expect(own.contract.input.inputSchema).toMatchObject({
    required: ['agentRef'],
    properties: { agentRef: { type: 'string' }, note: { type: 'string' } },
  });
  type Sections = Record<string, { properties: Record<string, { type: string }> }>;
  const section = (own.contract.output.successSchema.properties as Sections).agent!;
  expect(Object.fromEntries(Object.entries(section.properties).map(([k, v]) => [k, v.type]))).toEqual({
    status: 'string', error: 'string', stale: 'boolean',
    id: 'string', presence: 'string', label: 'string', version: 'integer',
  });
  const aggregate = actions.get('customer-context.json')!.contract.output.successSchema;
  expect(Object.keys(aggregate.properties as object)).toContain('agent');
});
