import { describe, expect, it } from 'vitest';
import { withSimulator } from '../data-actions/helpers.js';
import { manualClock, settled, until } from '../helpers/clock.js';

// The client-side budget of one process (GENESYS_RATE_LIMIT_PER_MINUTE) and the pause a 429 sets:
// requests are counted where Genesys counts them, in the simulator, which enforces the same limit.

const t = withSimulator();
const { setup } = t;

type Post = (route: string, payload: unknown) => Promise<{ json(): { user: Record<string, unknown> } }>;
const lookup = (post: Post, id: string) => post('genesys-user', { userId: id }).then((res) => res.json().user);

describe('the budget', () => {
  it('never sends more than GENESYS_RATE_LIMIT_PER_MINUTE requests in a window, whatever the load', async () => {
    t.sim.configure({ apiRateLimitPerMinute: 6 });
    const { post, metric } = await setup({ GENESYS_RATE_LIMIT_PER_MINUTE: '6', GENESYS_TIMEOUT_MS: '1000' });
    // Ten callers, each looking up ten users one after the other: at least ten requests' worth.
    const callers = Array.from({ length: 10 }, (_, c) => (async () => {
      const statuses: unknown[] = [];
      for (let i = 0; i < 10; i += 1) statuses.push((await lookup(post, `agent-${c}-${i}`)).status);
      return statuses;
    })());
    const statuses = (await Promise.all(callers)).flat();
    expect(new Set(statuses)).toEqual(new Set(['ok', 'rate_limited']));
    expect(t.sim.hits('users')).toBe(6);
    expect(t.sim.rateLimitStats()).toMatchObject({ received: 6, throttled: 0, maxPerWindow: 6 });
    expect(await metric('genesys_api_requests_total', { request: 'users_bulk', outcome: 'ok' })).toBe(6);
    const refused = await metric('genesys_api_budget_refusals_total', { request: 'users_bulk', reason: 'spent' });
    expect(refused).toBeGreaterThan(0);
    expect(await metric('genesys_api_budget_remaining')).toBe(0);
  });

  it('answers the cached user stale, or rate_limited, at once while the budget is spent', async () => {
    const { clock, advance } = manualClock();
    const { post, metric } = await setup({ GENESYS_RATE_LIMIT_PER_MINUTE: '2', USER_CACHE_TTL_MS: '1000' }, { clock });
    expect((await lookup(post, 'u-1')).status).toBe('ok');
    const second = lookup(post, 'u-2'); // past the burst of a 2-a-minute pace: it waits at most 1500/4 ms
    await lookup(post, 'u-1'); // a cached user asked after it: answered once u-2 waits for the pace
    expect(await settled(second)).toBe(false);
    await advance(375);
    expect((await second).status).toBe('ok');
    await advance(1000);
    // Nothing below moves the clock: an answer at all shows that nothing waited.
    expect(await lookup(post, 'u-1')).toMatchObject({ status: 'ok', stale: true, id: 'u-1' });
    expect(await lookup(post, 'u-3')).toMatchObject({
      status: 'rate_limited', id: '',
      error: 'genesys calls are held: the budget of 2 requests a minute is spent (retry after 61 s)',
    });
    expect(t.sim.hits('users')).toBe(2);
    expect(await metric('genesys_api_budget_refusals_total', { request: 'users_bulk', reason: 'spent' })).toBe(2);
    // The window is Genesys' minute plus GENESYS_TIMEOUT_MS: the first request leaves it 61.5 s after it left.
    await advance(61_500 - 1375 - 1);
    expect((await lookup(post, 'u-3')).status).toBe('rate_limited');
    await advance(1);
    expect(await lookup(post, 'u-3')).toMatchObject({ status: 'ok', stale: false, id: 'u-3' });
    expect(t.sim.hits('users')).toBe(3);
  });

  it('counts every attempt, retries included', async () => {
    const { clock, advance } = manualClock();
    const { post, metric } = await setup({ GENESYS_RATE_LIMIT_PER_MINUTE: '2' }, { clock });
    t.sim.setFault('users', { kind: 'status', status: 429, retryAfter: { seconds: 1, format: 'seconds' }, times: 1 });
    const first = lookup(post, 'u-1'); // 1 s fits its 1.5 s budget: retried once the pause is over
    await until(async () => (await metric('outbound_retries_total', { target: 'genesys', reason: '429' })) === 1,
      'the retry');
    await advance(1000);
    expect((await first).status).toBe('ok');
    expect((await lookup(post, 'u-2')).error).toMatch(/^genesys calls are held: the budget of 2 requests a minute is spent/);
    expect(t.sim.hits('users')).toBe(2);
    expect(await metric('genesys_api_requests_total', { request: 'users_bulk', outcome: 'rate_limited' })).toBe(1);
    expect(await metric('genesys_api_requests_total', { request: 'users_bulk', outcome: 'ok' })).toBe(1);
  });

  it('keeps a tenth of the budget from the refresh-ahead for the lookups that have nothing cached', async () => {
    const { clock, advance } = manualClock();
    const { post } = await setup({ GENESYS_RATE_LIMIT_PER_MINUTE: '10' }, { clock });
    expect((await lookup(post, 'u-0')).status).toBe('ok');
    for (let i = 1; i < 9; i += 1) {
      // Past the burst of one, each miss waits for the pace, at most GENESYS_TIMEOUT_MS / 4.
      const answer = lookup(post, `u-${i}`);
      await lookup(post, 'u-0'); // answered once u-${i} waits
      await advance(375);
      expect((await answer).status).toBe('ok');
    }
    await advance(55_000 - 8 * 375); // the first users are due for a refresh; one slot is left
    expect(await lookup(post, 'late')).toMatchObject({ status: 'ok', stale: false });
    expect(t.sim.requests('users').map((r) => new URLSearchParams(r.url.split('?')[1]).getAll('id').length))
      .toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });
});

describe('a 429 from Genesys', () => {
  it('pauses every Genesys request until its Retry-After, then they resume', async () => {
    const { clock, advance } = manualClock();
    const { post, metric } = await setup({}, { clock });
    t.sim.setFault('users', { kind: 'status', status: 429, retryAfter: { seconds: 30, format: 'seconds' }, times: 1 });
    expect((await lookup(post, 'u-1')).error).toBe('genesys is rate limiting requests (retry after 30 s)');
    expect(await lookup(post, 'u-2')).toMatchObject({
      status: 'rate_limited', error: 'genesys calls are held: paused after a 429 (retry after 30 s)',
    });
    await advance(29_999);
    expect((await lookup(post, 'u-2')).status).toBe('rate_limited');
    expect(t.sim.hits('users')).toBe(1);
    await advance(1);
    expect(await lookup(post, 'u-2')).toMatchObject({ status: 'ok', id: 'u-2' });
    expect(t.sim.hits('users')).toBe(2);
    expect(await metric('genesys_api_pauses_total')).toBe(1);
    expect(await metric('genesys_api_requests_total', { request: 'users_bulk', outcome: 'rate_limited' })).toBe(1);
    expect(await metric('genesys_api_budget_refusals_total', { request: 'users_bulk', reason: 'paused' })).toBe(2);
  });

  it('pauses for at most five minutes, whatever the Retry-After', async () => {
    const { clock, advance } = manualClock();
    const { post } = await setup({ USER_KEEP_WARM_MS: '0' }, { clock });
    t.sim.setFault('users', {
      kind: 'status', status: 429, retryAfter: { seconds: 86_400, format: 'seconds' }, times: 1,
    });
    expect((await lookup(post, 'u-1')).status).toBe('rate_limited');
    await advance(299_999);
    expect((await lookup(post, 'u-1')).error).toBe('genesys calls are held: paused after a 429 (retry after 1 s)');
    await advance(1);
    expect((await lookup(post, 'u-1')).status).toBe('ok');
  });

  it('holds the refresh-ahead too while paused, and serves the cached users stale meanwhile', async () => {
    const { clock, advance } = manualClock();
    const { post } = await setup({}, { clock });
    expect((await lookup(post, 'u-1')).status).toBe('ok');
    t.sim.setFault('users', { kind: 'status', status: 429, retryAfter: { seconds: 120, format: 'seconds' }, times: 1 });
    expect((await lookup(post, 'u-2')).status).toBe('rate_limited');
    await advance(61_000); // refresh ticks at 55 and 60 s find the pause; u-1 runs out at 60 s
    expect(t.sim.hits('users')).toBe(2);
    expect(await lookup(post, 'u-1')).toMatchObject({ status: 'ok', stale: true, id: 'u-1' });
    await advance(59_000);
    await until(() => t.sim.hits('users') === 3, 'the refresh after the pause');
  });
});
