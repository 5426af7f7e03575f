// The simulated Platform API beyond one user: the bulk listing (the SDK's UsersApi.getUsers with
// `id`), its best-effort `expand`, and the OAuth client's per-minute limit with 429 + Retry-After.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { getUser, postJson, token } from './helpers.js';

let sim: Simulator;
let tok: string;
beforeAll(async () => {
  sim = await startSimulator();
  tok = await token(sim);
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.reset();
  sim.configure({ apiRateLimitPerMinute: 0, bulkPresence: true });
});

const listUsers = (query: string, bearer = tok) =>
  fetch(`${sim.urls.genesysApi}/api/v2/users?${query}`, { headers: { authorization: `Bearer ${bearer}` } });
const EXPAND = 'expand=presence&expand=routingStatus';

describe('GET /api/v2/users?id=…', () => {
  it('lists the known users asked for as a UserEntityListing, expanded like the single lookup', async () => {
    const res = await listUsers(`id=u-1&id=missing-2&id=u-3&${EXPAND}&pageSize=100`);
    expect(res.status).toBe(200);
    const listing = (await res.json()) as { entities: Record<string, unknown>[] };
    expect(listing).toMatchObject({ pageSize: 100, pageNumber: 1, total: 2, pageCount: 1 });
    expect(listing.entities.map((u) => u.id)).toEqual(['u-1', 'u-3']);
    const single = await (await getUser(sim, tok, 'u-1', 'presence,routingStatus')).json();
    expect(listing.entities[0]).toEqual(single);
    expect(sim.requests('users')[0]).toMatchObject({ path: '/api/v2/users', query: { pageSize: '100' } });
  });

  it('pages at pageSize (25 unless asked), expands only what was asked, and refuses over 100 ids', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `id=u-${i}`).join('&');
    type Listing = { entities: Record<string, unknown>[]; nextUri?: string };
    const first = (await (await listUsers(ids)).json()) as Listing;
    expect(first).toMatchObject({ pageSize: 25, total: 30, pageCount: 2 });
    expect(first.nextUri).toBe('/api/v2/users?pageSize=25&pageNumber=2');
    expect(first.entities).toHaveLength(25);
    expect(first.entities[0]!.presence).toBeUndefined();
    const second = (await (await listUsers(`${ids}&pageNumber=2&expand=presence`)).json()) as Listing;
    expect(second.entities.map((u) => u.id)).toEqual(['u-25', 'u-26', 'u-27', 'u-28', 'u-29']);
    expect(second.entities[0]).toHaveProperty('presence');
    expect(second.entities[0]!.routingStatus).toBeUndefined();
    const tooMany = Array.from({ length: 101 }, (_, i) => `id=u-${i}`).join('&');
    expect((await listUsers(tooMany)).status).toBe(400);
    expect((await listUsers('id=u-1', 'not-a-token')).status).toBe(401);
  });

  it('forgets deleted users, singly and in bulk, until reset', async () => {
    sim.deleteUsers(['u-2']);
    const listing = (await (await listUsers('id=u-1&id=u-2')).json()) as { entities: { id: string }[]; total: number };
    expect([listing.entities.map((u) => u.id), listing.total]).toEqual([['u-1'], 1]);
    expect((await getUser(sim, tok, 'u-2')).status).toBe(404);
    sim.reset();
    expect((await getUser(sim, tok, 'u-2')).status).toBe(200);
  });

  it('leaves presence and routing status out of bulk answers when bulkPresence is off, not single ones', async () => {
    sim.configure({ bulkPresence: false });
    const listing = (await (await listUsers(`id=u-1&${EXPAND}`)).json()) as { entities: Record<string, unknown>[] };
    expect(listing.entities[0]).toMatchObject({ id: 'u-1', name: 'Agent u-1' });
    expect(listing.entities[0]!.presence).toBeUndefined();
    expect(listing.entities[0]!.routingStatus).toBeUndefined();
    expect(await (await getUser(sim, tok, 'u-1', 'presence,routingStatus')).json()).toHaveProperty('presence');
  });
});

describe('the per-minute limit of the OAuth client', () => {
  it('is off by default', async () => {
    for (let i = 0; i < 5; i += 1) expect((await getUser(sim, tok, `u-${i}`)).status).toBe(200);
    expect(sim.rateLimitStats()).toEqual({ limit: 0, received: 0, throttled: 0, maxPerWindow: 0 });
  });

  it('answers 429 with Retry-After past the limit, single and bulk alike, and counts what it received', async () => {
    sim.configure({ apiRateLimitPerMinute: 3 });
    expect((await getUser(sim, tok, 'u-1')).status).toBe(200);
    expect((await listUsers('id=u-2&id=u-3')).status).toBe(200);
    expect((await getUser(sim, tok, 'missing-1')).status).toBe(404); // a request all the same
    const refused = await listUsers('id=u-4');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await refused.json()).toMatchObject({ code: 'too.many.requests', status: 429 });
    expect((await getUser(sim, tok, 'u-5')).status).toBe(429);
    expect((await getUser(sim, 'not-a-token', 'u-5')).status).toBe(401); // not counted: never authenticated
    expect(sim.rateLimitStats()).toEqual({ limit: 3, received: 5, throttled: 2, maxPerWindow: 5 });
    sim.reset(); // a new window and new counts, the same limit
    expect((await getUser(sim, tok, 'u-6')).status).toBe(200);
    expect(sim.rateLimitStats()).toEqual({ limit: 3, received: 1, throttled: 0, maxPerWindow: 1 });
  });

  it('is set and read through the /__sim control API', async () => {
    const ctl = sim.urls.crm;
    const configure = (body: unknown) => postJson(`${ctl}/__sim/configure`, body);
    expect((await configure({ apiRateLimitPerMinute: 1, bulkPresence: false })).status).toBe(204);
    expect((await listUsers(`id=u-1&${EXPAND}`)).status).toBe(200);
    expect((await listUsers('id=u-1')).status).toBe(429);
    const stats = await (await fetch(`${ctl}/__sim/rate-limit`)).json();
    expect(stats).toEqual({ limit: 1, received: 2, throttled: 1, maxPerWindow: 2 });
    expect((await configure({ apiRateLimitPerMinute: -1 })).status).toBe(400);
    expect((await configure({ bulkPresence: 'no' })).status).toBe(400);
  });
});
