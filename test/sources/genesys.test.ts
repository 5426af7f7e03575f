import { expect, it } from 'vitest';
import { withSimulator } from '../data-actions/helpers.js';
import { manualClock, settled, until } from '../helpers/clock.js';

// Genesys Cloud allows ~300 requests per minute per OAuth client: one login for everybody,
// coalesced and cached user lookups, a fresh token after a 401, stale-if-error for users, and a
// login that is bounded, validated and not retried more often than a backoff.

const t = withSimulator();
const { setup } = t;

it('serves thirty concurrent requests for one user with one login and one or two lookups', async () => {
  const { post, metric } = await setup();
  t.sim.setLatency('login', 50);
  const answers = await Promise.all(Array.from({ length: 30 }, () => post('genesys-user', { userId: 'u-1' })));
  expect(answers.every((a) => a.json().user.status === 'ok' && a.json().user.id === 'u-1')).toBe(true);
  expect(t.sim.hits('login')).toBe(1);
  expect(t.sim.hits('users')).toBeGreaterThanOrEqual(1);
  expect(t.sim.hits('users')).toBeLessThanOrEqual(2);
  expect(await metric('cache_lookups_total', { cache: 'genesys-user', result: 'hit' })).toBeGreaterThanOrEqual(28);
});

it('logs in again and retries once when Genesys refuses a revoked token', async () => {
  const { post } = await setup();
  expect((await post('genesys-user', { userId: 'u-1' })).json().user.status).toBe('ok');
  t.sim.revokeTokens();
  const body = (await post('genesys-user', { userId: 'u-2' })).json();
  expect(body.user).toMatchObject({ status: 'ok', id: 'u-2' });
  expect(t.sim.hits('login')).toBe(2);
  const [, refused, retried] = t.sim.requests('users');
  expect(refused!.headers.authorization).not.toBe(retried!.headers.authorization);
  expect(t.sim.hits('users')).toBe(3);
});

it('reports unavailable when even a fresh token is refused, and caches nothing', async () => {
  const { post, metric } = await setup();
  t.sim.setFault('users', { kind: 'status', status: 401 });
  const body = (await post('genesys-user', { userId: 'u-1' })).json();
  expect(body.user).toMatchObject({ status: 'unavailable', error: 'genesys refused our credentials (HTTP 401)' });
  expect([t.sim.hits('login'), t.sim.hits('users')]).toEqual([2, 2]);
  // The failure was not cached: once Genesys accepts the token again, the next lookup asks it
  // (with the fresh token, no third login) and gets the user.
  t.sim.clearFaults();
  const again = (await post('genesys-user', { userId: 'u-1' })).json();
  expect(again.user).toMatchObject({ status: 'ok', stale: false, id: 'u-1' });
  expect([t.sim.hits('login'), t.sim.hits('users')]).toEqual([2, 3]);
  expect(await metric('cache_lookups_total', { cache: 'genesys-user', result: 'hit' })).toBe(0);
  expect(await metric('cache_lookups_total', { cache: 'genesys-user', result: 'stale' })).toBe(0);
});

it('serves the last user, flagged stale, when Genesys fails after the TTL', async () => {
  const { clock, advance } = manualClock();
  const { post, metric } = await setup({ USER_CACHE_TTL_MS: '50' }, { clock });
  expect((await post('genesys-user', { userId: 'u-1' })).json().user.stale).toBe(false);
  await advance(49);
  expect((await post('genesys-user', { userId: 'u-1' })).json().user.stale).toBe(false); // fresh hit
  expect(t.sim.hits('users')).toBe(1);
  await advance(2); // past the TTL
  t.sim.setFault('users', { kind: 'status', status: 500 });
  const body = (await post('genesys-user', { userId: 'u-1' })).json();
  expect(body).toMatchObject({ complete: true, user: { status: 'ok', stale: true, id: 'u-1', presence: 'Available' } });
  expect(t.sim.hits('users')).toBe(2);
  expect(await metric('cache_lookups_total', { cache: 'genesys-user', result: 'stale' })).toBe(1);

  // Once Genesys answers again the entry is fresh again.
  t.sim.clearFaults();
  expect((await post('genesys-user', { userId: 'u-1' })).json().user).toMatchObject({ status: 'ok', stale: false });
});

it('reports not_found rather than a stale user when Genesys answers 404 after the TTL', async () => {
  const { clock, advance } = manualClock();
  const { post } = await setup({ USER_CACHE_TTL_MS: '50' }, { clock });
  await post('genesys-user', { userId: 'u-1' });
  await advance(51);
  t.sim.setFault('users', { kind: 'status', status: 404 });
  expect((await post('genesys-user', { userId: 'u-1' })).json().user)
    .toMatchObject({ status: 'not_found', stale: false, id: '' });
});

it('stays ready through a failed Genesys login, reports it (body, dependency_up), retries after backoff', async () => {
  const { clock, advance } = manualClock();
  const { app, post, metric } = await setup({}, { clock });
  t.sim.setFault('login', { kind: 'status', status: 401, times: 1 });
  const readyz = () => app.inject({ method: 'GET', url: '/readyz' });
  const readiness = async () => (await readyz()).json().checks['genesys-login'];
  const first = await readyz();
  // A Genesys outage or a rotated secret does not take the replica out of the load balancer.
  expect(first.statusCode).toBe(200);
  expect(first.json().checks['genesys-login']).toBe('failed: genesys login refused our credentials (HTTP 401)');
  expect(await metric('dependency_up', { dependency: 'genesys-login' })).toBe(0);
  // Within the 1 s backoff the login is not tried again: lookups fail at once with its error.
  expect((await post('genesys-user', { userId: 'u-1' })).json().user)
    .toMatchObject({ status: 'unavailable', error: 'genesys login refused our credentials (HTTP 401)' });
  expect(t.sim.hits('login')).toBe(1);
  await advance(1000);
  expect(await readiness()).toBe('ok');
  expect(await metric('dependency_up', { dependency: 'genesys-login' })).toBe(1);
  expect(t.sim.hits('login')).toBe(2);
  expect((await post('genesys-user', { userId: 'u-1' })).json().user.status).toBe('ok');
});

it('keeps serving with the token in hand while its early refresh is slow, instead of waiting for it', async () => {
  // A 10-minute token is refreshed 1 minute before expiry (min(60 s, 10% of its life)).
  t.sim.configure({ tokenTtlSeconds: 600 });
  const { clock, advance } = manualClock();
  // No refresh-ahead: nine minutes pass in one step, faster than any refresh could answer.
  const { post } = await setup({ GENESYS_TIMEOUT_MS: '800', USER_KEEP_WARM_MS: '0' }, { clock });
  expect((await post('genesys-user', { userId: 'u-1' })).json().user.status).toBe('ok');
  expect(t.sim.hits('login')).toBe(1);

  await advance(560_000); // 40 s before expiry
  t.sim.setFault('login', { kind: 'hang' });
  const body = (await post('genesys-user', { userId: 'u-2' })).json();
  expect(body.user).toMatchObject({ status: 'ok', id: 'u-2' });
  const [first, second] = t.sim.requests('users');
  expect(second!.headers.authorization).toBe(first!.headers.authorization);
  // The refresh did start, behind the caller, and only once for every caller meanwhile.
  await until(() => t.sim.hits('login') === 2, 'the refresh');
  expect((await post('genesys-user', { userId: 'u-3' })).json().user).toMatchObject({ status: 'ok', id: 'u-3' });
  expect(t.sim.hits('login')).toBe(2);
  t.sim.clearFaults();
});

it('bounds the login like every other call: a body that never ends is a timeout at the budget', async () => {
  const { clock, advance } = manualClock();
  const { post } = await setup({ GENESYS_TIMEOUT_MS: '800' }, { clock });
  t.sim.setFault('login', { kind: 'hang' });
  const answer = post('genesys-user', { userId: 'u-1' });
  await until(() => t.sim.hits('login') === 1, 'the login');
  await advance(799);
  expect(await settled(answer)).toBe(false);
  await advance(1);
  expect((await answer).json().user)
    .toMatchObject({ status: 'timeout', error: 'genesys did not answer within 800 ms' });
  expect(t.sim.hits('users')).toBe(0);
});
