// Backend behaviour over real loopback HTTP: happy paths, auth failures, pagination.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { BASIC, getAccount, getUser, login, postJson, postOrders, token } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.reset();
  sim.configure({ ordersPerCustomer: 7, ordersPageMax: 10, tokenTtlSeconds: 86400 });
});

describe('login', () => {
  it('issues a bearer token for valid client credentials', async () => {
    const res = await login(sim);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.token_type).toBe('bearer');
    expect(body.expires_in).toBe(86400);
    expect(body.access_token).toMatch(/^[\w-]{20,}$/);
    expect(sim.requests('login')[0]?.body).toEqual({ grant_type: 'client_credentials' });
  });

  it('rejects bad credentials with 401 invalid_client and a bad grant with 400', async () => {
    const bad = await login(sim, `Basic ${Buffer.from('sim-client:nope').toString('base64')}`);
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: string }).error).toBe('invalid_client');
    expect((await login(sim, '')).status).toBe(401);
    const grant = await login(sim, BASIC, 'password');
    expect(grant.status).toBe(400);
    expect(await grant.json()).toEqual({ error: 'unsupported_grant_type' });
  });
});

describe('users', () => {
  it('returns a deterministic Genesys user, expanding only what was asked', async () => {
    const tok = await token(sim);
    const res = await getUser(sim, tok, 'agent 1/x', 'presence,routingStatus');
    expect(res.status).toBe(200);
    const user: unknown = await res.json();
    expect(user).toMatchObject({
      id: 'agent 1/x', // percent-decoded from the path
      name: 'Agent agent 1/x',
      email: 'agent 1/x@example.com',
      primaryContactInfo: [{ address: 'agent 1/x@example.com', mediaType: 'EMAIL', type: 'PRIMARY' }],
      state: 'active',
      presence: { source: 'PURECLOUD', presenceDefinition: { systemPresence: 'Available' } },
      routingStatus: { userId: 'agent 1/x', status: 'IDLE' },
    });
    const plain = (await (await getUser(sim, tok, 'agent 1/x')).json()) as Record<string, unknown>;
    expect(plain.presence).toBeUndefined();
    expect(plain.routingStatus).toBeUndefined();
    const again = (await (await getUser(sim, tok, 'agent 1/x', 'presence,routingStatus')).json()) as unknown;
    expect(again).toEqual(user);
  });

  it('answers 401 bad.credentials for unknown, revoked and expired tokens', async () => {
    const unknown = await getUser(sim, 'not-a-token', 'u1');
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ code: 'bad.credentials', status: 401, errors: [] });
    const tok = await token(sim);
    expect((await getUser(sim, tok, 'u1')).status).toBe(200);
    sim.reset(); // reset revokes nothing
    expect((await getUser(sim, tok, 'u1')).status).toBe(200);
    sim.revokeTokens();
    expect((await getUser(sim, tok, 'u1')).status).toBe(401);
    sim.configure({ tokenTtlSeconds: 0 });
    const expired = await token(sim);
    expect((await getUser(sim, expired, 'u1')).status).toBe(401);
  });

  it('answers 404 not.found for ids starting with "missing"', async () => {
    const res = await getUser(sim, await token(sim), 'missing-42');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'not.found', status: 404 });
  });
});

describe('crm', () => {
  it('returns the account with preferences and subscriptions only when included', async () => {
    const full = (await (await getAccount(sim, 'c-1', 'preferences,subscriptions')).json()) as { tier: string };
    expect(full).toMatchObject({
      id: 'c-1',
      name: 'Customer c-1',
      email: 'c-1@customer.example.com',
      preferences: { language: 'en-US', channel: 'voice' },
      subscriptions: expect.arrayContaining([expect.objectContaining({ id: 'sub-c-1-1', status: 'ACTIVE' })]),
    });
    expect(['BRONZE', 'SILVER', 'GOLD', 'PLATINUM']).toContain(full.tier);
    const bare = (await (await getAccount(sim, 'c-1')).json()) as Record<string, unknown>;
    expect(bare.preferences).toBeUndefined();
    expect(bare.subscriptions).toBeUndefined();
    expect(bare.tier).toBe(full.tier);
  });

  it('rejects a wrong API key (401) and unknown customers (404)', async () => {
    const bad = await getAccount(sim, 'c-1', '', 'wrong');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: 'unauthorized' });
    const missing = await getAccount(sim, 'missing-1');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not_found' });
  });
});

describe('orders', () => {
  type Page = { results: { orderId: string; status: string }[]; nextCursor: string | null };
  const page = async (body: unknown) => (await (await postOrders(sim, body)).json()) as Page;

  it('paginates with an opaque cursor and filters by status', async () => {
    const all = { customerId: 'c-9', status: ['ACTIVE', 'PENDING'], limit: 3 };
    const p1 = await page(all);
    expect(p1.results.map((o) => o.orderId)).toEqual(['o-c-9-1', 'o-c-9-2', 'o-c-9-3']);
    expect(p1.nextCursor).toEqual(expect.any(String));
    const p2 = await page({ ...all, cursor: p1.nextCursor });
    expect(p2.results.map((o) => o.orderId)).toEqual(['o-c-9-4', 'o-c-9-5', 'o-c-9-6']);
    const p3 = await page({ ...all, cursor: p2.nextCursor });
    expect(p3.results.map((o) => o.orderId)).toEqual(['o-c-9-7']);
    expect(p3.nextCursor).toBeNull();
    const active = await page({ customerId: 'c-9', status: ['ACTIVE'], limit: 50 });
    expect(active.results.map((o) => o.orderId)).toEqual(['o-c-9-1', 'o-c-9-3', 'o-c-9-5', 'o-c-9-7']);
  });

  it('caps the page at ordersPageMax and honours configure()', async () => {
    sim.configure({ ordersPerCustomer: 25, ordersPageMax: 10 });
    const p = await page({ customerId: 'c-2', status: [], limit: 100 });
    expect(p.results).toHaveLength(10);
    expect(p.nextCursor).not.toBeNull();
    expect((await page({ customerId: 'empty-1', status: ['ACTIVE'], limit: 5 })).results).toEqual([]);
  });

  it('rejects bad auth (401), bad bodies and cursors (400), missing customers (404)', async () => {
    const ok = { customerId: 'c-1', status: ['ACTIVE'], limit: 5 };
    expect((await postOrders(sim, ok, 'wrong')).status).toBe(401);
    expect((await postOrders(sim, '{not json')).status).toBe(400);
    expect((await postOrders(sim, { ...ok, limit: 0 })).status).toBe(400);
    expect((await postOrders(sim, { ...ok, status: 'ACTIVE' })).status).toBe(400);
    expect((await postOrders(sim, { ...ok, cursor: 'garbage' })).status).toBe(400);
    expect((await postOrders(sim, { ...ok, customerId: 'missing-3' })).status).toBe(404);
  });
});

describe('collector and routing', () => {
  it('stores arrays and {events} batches in arrival order; rejects invalid JSON', async () => {
    const a = await postJson(`${sim.urls.collector}/v1/batches`, [{ n: 1 }, { n: 2 }]);
    expect(await a.json()).toEqual({ stored: 2 });
    const b = await postJson(`${sim.urls.collector}/v1/batches`, { events: [{ n: 3 }] });
    expect(await b.json()).toEqual({ stored: 1 });
    expect((await postJson(`${sim.urls.collector}/v1/batches`, '[{')).status).toBe(400);
    expect(sim.collected()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(sim.hits('collector')).toBe(3);
  });

  it('answers 404 JSON for unknown routes', async () => {
    const res = await fetch(`${sim.urls.crm}/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(((await res.json()) as { error: string }).error).toBe('not_found');
  });
});
