import { describe, expect, it } from 'vitest';
import { withSimulator } from '../data-actions/helpers.js';
import { manualClock, settled, until } from '../helpers/clock.js';

// Bulk user lookups: misses share GET /api/v2/users?id=…&id=… requests, the users looked up
// recently are refreshed in bulk before their TTL runs out, a user a bulk answer leaves out is
// not_found, and a user whose presence it leaves out is asked for singly or keeps the last one.

const t = withSimulator();
const { setup } = t;

const ids = (url: string) => new URLSearchParams(url.split('?')[1]).getAll('id');
const lookup = (post: (r: string, p: unknown) => Promise<{ json(): { user: Record<string, unknown> } }>, id: string) =>
  post('genesys-user', { userId: id }).then((res) => res.json().user);

describe('misses', () => {
  it('sends concurrent misses as one bulk request and answers each user from it', async () => {
    const { post, metric } = await setup();
    const wanted = Array.from({ length: 30 }, (_, i) => `agent-${i}`);
    const users = await Promise.all(wanted.map((id) => lookup(post, id)));
    expect(users.map((u) => [u.status, u.id, u.stale, u.presence]))
      .toEqual(wanted.map((id) => ['ok', id, false, 'Available']));
    expect(t.sim.hits('users')).toBe(1);
    const [bulk] = t.sim.requests('users');
    expect(ids(bulk!.url).sort()).toEqual([...wanted].sort());
    expect(await metric('genesys_user_bulk_size_sum', { reason: 'miss' })).toBe(30);
    expect(await metric('genesys_api_requests_total', { request: 'users_bulk', outcome: 'ok' })).toBe(1);
  });

  it('lets misses past the burst wait for the pace, then sends them together', async () => {
    const { clock, advance } = manualClock();
    // 300 a minute: misses may spend 240 of them, one request per 250 ms after a burst of 8.
    const { post, metric } = await setup({}, { clock });
    // A bulk request is counted in genesys_user_bulk_size as it leaves, in the same turn.
    const sent = () => metric('genesys_user_bulk_size_count', { reason: 'miss' });
    for (let i = 0; i < 8; i += 1) expect((await lookup(post, `burst-${i}`)).status).toBe('ok');
    expect(await sent()).toBe(8);
    const answers = Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => lookup(post, id)));
    // A cached user asked after them is answered once they have joined the batch, each request
    // taking the same steps through the app.
    expect((await lookup(post, 'burst-0')).stale).toBe(false);
    expect(await sent()).toBe(8);
    await advance(249);
    expect(await settled(answers)).toBe(false);
    expect(await sent()).toBe(8);
    await advance(1);
    expect(await sent()).toBe(9);
    expect((await answers).map((u) => u.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(t.sim.hits('users')).toBe(9);
    expect(ids(t.sim.requests('users')[8]!.url).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('closing', () => {
  it('answers a miss still waiting for a bulk request when the app closes, instead of leaving it hanging', async () => {
    const { clock } = manualClock();
    const { app, post } = await setup({}, { clock });
    for (let i = 0; i < 8; i += 1) await lookup(post, `burst-${i}`);
    const waiting = lookup(post, 'late'); // past the burst: it waits for the pace, on a clock that stands still
    await lookup(post, 'burst-0');
    await app.close();
    expect(await waiting).toMatchObject({ status: 'unavailable', error: 'genesys is unreachable' });
    expect(t.sim.hits('users')).toBe(8);
  });
});

describe('refresh-ahead', () => {
  it('refreshes the users looked up recently in one bulk request before their TTL runs out', async () => {
    const { clock, advance } = manualClock();
    // TTL 60 s, GENESYS_TIMEOUT_MS 1.5 s: a tick every 5 s refreshes users with less than 6.5 s left.
    const { post, metric } = await setup({}, { clock });
    await Promise.all(['u-1', 'u-2', 'u-3'].map((id) => lookup(post, id)));
    expect(t.sim.hits('users')).toBe(1);
    await advance(50_000);
    expect(t.sim.hits('users')).toBe(1);
    await advance(5_000);
    const sent = () => metric('genesys_api_requests_total', { request: 'users_bulk', outcome: 'ok' });
    await until(async () => (await sent()) === 2, 'the refresh');
    expect(ids(t.sim.requests('users')[1]!.url).sort()).toEqual(['u-1', 'u-2', 'u-3']);
    expect(await metric('genesys_user_bulk_size_sum', { reason: 'refresh' })).toBe(3);
    await advance(5_001); // past the TTL of the first answer
    expect(await lookup(post, 'u-2')).toMatchObject({ status: 'ok', stale: false, id: 'u-2' });
    expect(t.sim.hits('users')).toBe(2);
    expect(await metric('cache_lookups_total', { cache: 'genesys-user', result: 'hit' })).toBe(1);
    expect(await metric('genesys_user_refresh_lag_seconds')).toBe(0);
  });

  it('stops refreshing a user not looked up within USER_KEEP_WARM_MS', async () => {
    const { clock, advance } = manualClock();
    const { post, metric } = await setup({ USER_KEEP_WARM_MS: '30000' }, { clock });
    await lookup(post, 'u-1');
    await advance(60_001);
    // A refresh would be counted as it left, during the advance.
    expect(await metric('genesys_user_bulk_size_count', { reason: 'refresh' })).toBe(0);
    expect(t.sim.hits('users')).toBe(1);
    expect(await lookup(post, 'u-1')).toMatchObject({ status: 'ok', stale: false });
    expect(t.sim.hits('users')).toBe(2); // a miss: the entry had run out
  });
});

describe('answers that leave users out', () => {
  it('answers not_found for a user the bulk answer leaves out, and remembers it for the TTL', async () => {
    const { clock, advance } = manualClock();
    const { post } = await setup({}, { clock });
    const [missing, found] = await Promise.all([lookup(post, 'missing-1'), lookup(post, 'u-1')]);
    expect(missing).toMatchObject({ status: 'not_found', error: 'genesys has no record for this id', id: '' });
    expect(found).toMatchObject({ status: 'ok', id: 'u-1' });
    expect((await lookup(post, 'missing-1')).status).toBe('not_found');
    expect(t.sim.hits('users')).toBe(1);
    await advance(55_000);
    await until(() => t.sim.hits('users') === 2, 'the refresh');
    expect(ids(t.sim.requests('users')[1]!.url)).toEqual(['u-1']); // an unknown id is not kept warm
    await advance(5_001);
    expect((await lookup(post, 'missing-1')).status).toBe('not_found');
    expect(t.sim.hits('users')).toBe(3); // past the TTL it is asked for again
  });

  it('answers not_found, not the old record, once a refresh finds the user deleted; no more refreshes', async () => {
    const { clock, advance } = manualClock();
    const { post } = await setup({}, { clock });
    expect((await lookup(post, 'u-1')).status).toBe('ok');
    t.sim.deleteUsers(['u-1']);
    await advance(55_000);
    await until(() => t.sim.hits('users') === 2, 'the refresh');
    await until(async () => (await lookup(post, 'u-1')).status === 'not_found', 'the deletion to land');
    expect(t.sim.hits('users')).toBe(2);
    await advance(120_000);
    expect(t.sim.hits('users')).toBe(2);
  });

  it('asks singly for a user given without presence, and keeps the last one, stale, on a refresh', async () => {
    const { clock, advance } = manualClock();
    const { post, metric } = await setup({}, { clock });
    t.sim.configure({ bulkPresence: false });
    const current = { status: 'ok', presence: 'Available', routingStatus: 'IDLE' };
    expect(await lookup(post, 'u-1')).toMatchObject({ ...current, stale: false });
    expect(t.sim.requests('users').map((r) => r.path)).toEqual(['/api/v2/users', '/api/v2/users/u-1']);
    expect(await metric('genesys_user_presence_missing_total', { resolution: 'fetched' })).toBe(1);

    await advance(55_000);
    const kept = () => metric('genesys_user_presence_missing_total', { resolution: 'kept' });
    await until(async () => (await kept()) === 1, 'the refresh');
    expect(t.sim.hits('users')).toBe(3); // the refresh, and no single request for a presence already known
    expect(await lookup(post, 'u-1')).toMatchObject({ ...current, stale: true });

    t.sim.configure({ bulkPresence: true });
    await advance(55_000);
    await until(() => t.sim.hits('users') === 4, 'the next refresh');
    await until(async () => (await lookup(post, 'u-1')).stale === false, 'a current presence');
  });

  it('answers a user without presence, flagged stale, when the budget has no room for the single request', async () => {
    const { post, metric } = await setup({ GENESYS_RATE_LIMIT_PER_MINUTE: '2' });
    t.sim.configure({ bulkPresence: false });
    // The bulk request leaves one slot; a single request must leave half the budget (1) unspent.
    expect(await lookup(post, 'u-1')).toMatchObject({ status: 'ok', stale: true, name: 'Agent u-1', presence: '' });
    expect(t.sim.hits('users')).toBe(1);
    expect(await metric('genesys_user_presence_missing_total', { resolution: 'unknown' })).toBe(1);
    expect(await metric('genesys_api_budget_refusals_total', { request: 'user', reason: 'spent' })).toBe(1);
  });
});
