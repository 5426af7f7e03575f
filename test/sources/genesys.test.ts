import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { dataActionApp, startSimulator, type Simulator } from '../data-actions/helpers.js';

// Genesys Cloud allows ~300 requests per minute per token (SPEC §3): one login for everybody,
// coalesced and cached user lookups, a fresh token after a 401, stale-if-error for users.

let sim: Simulator;
let close: (() => Promise<void>) | undefined;
beforeAll(async () => { sim = await startSimulator(); });
afterEach(async () => { await close?.(); close = undefined; sim.reset(); });
afterAll(async () => sim.close());

async function setup(env: Record<string, string> = {}) {
  const ctx = await dataActionApp(sim, env);
  close = () => ctx.app.close();
  return ctx;
}

it('serves thirty concurrent requests for one user with one login and one or two lookups', async () => {
  const { post, metric } = await setup();
  sim.setLatency('login', 50);
  const answers = await Promise.all(Array.from({ length: 30 }, () => post('genesys-user', { userId: 'u-1' })));
  expect(answers.every((a) => a.json().user.status === 'ok' && a.json().user.id === 'u-1')).toBe(true);
  expect(sim.hits('login')).toBe(1);
  expect(sim.hits('users')).toBeGreaterThanOrEqual(1);
  expect(sim.hits('users')).toBeLessThanOrEqual(2);
  expect(await metric('cache_lookups_total', { cache: 'genesys-user', result: 'hit' })).toBeGreaterThanOrEqual(28);
});

it('logs in again and retries once when Genesys refuses a revoked token', async () => {
  const { post } = await setup();
  expect((await post('genesys-user', { userId: 'u-1' })).json().user.status).toBe('ok');
  sim.revokeTokens();
  const body = (await post('genesys-user', { userId: 'u-2' })).json();
  expect(body.user).toMatchObject({ status: 'ok', id: 'u-2' });
  expect(sim.hits('login')).toBe(2);
  const [, refused, retried] = sim.requests('users');
  expect(refused!.headers.authorization).not.toBe(retried!.headers.authorization);
  expect(sim.hits('users')).toBe(3);
});

it('reports unavailable when even a fresh token is refused, and caches nothing', async () => {
  const { post } = await setup();
  sim.setFault('users', { kind: 'status', status: 401 });
  const body = (await post('genesys-user', { userId: 'u-1' })).json();
  expect(body.user).toMatchObject({ status: 'unavailable', error: 'genesys refused our credentials (HTTP 401)' });
  expect([sim.hits('login'), sim.hits('users')]).toEqual([2, 2]);
});

it('serves the last user, flagged stale, when Genesys fails after the TTL', async () => {
  const { post, metric } = await setup({ USER_CACHE_TTL_MS: '50' });
  expect((await post('genesys-user', { userId: 'u-1' })).json().user.stale).toBe(false);
  expect((await post('genesys-user', { userId: 'u-1' })).json().user.stale).toBe(false); // fresh hit
  expect(sim.hits('users')).toBe(1);
  await sleep(80);
  sim.setFault('users', { kind: 'status', status: 500 });
  const body = (await post('genesys-user', { userId: 'u-1' })).json();
  expect(body).toMatchObject({ complete: true, user: { status: 'ok', stale: true, id: 'u-1', presence: 'Available' } });
  expect(sim.hits('users')).toBe(2);
  expect(await metric('cache_lookups_total', { cache: 'genesys-user', result: 'stale' })).toBe(1);

  // Once Genesys answers again the entry is fresh again.
  sim.clearFaults();
  expect((await post('genesys-user', { userId: 'u-1' })).json().user).toMatchObject({ status: 'ok', stale: false });
});

it('reports not_found rather than a stale user when Genesys answers 404 after the TTL', async () => {
  const { post } = await setup({ USER_CACHE_TTL_MS: '50' });
  await post('genesys-user', { userId: 'u-1' });
  await sleep(80);
  sim.setFault('users', { kind: 'status', status: 404 });
  expect((await post('genesys-user', { userId: 'u-1' })).json().user).toMatchObject({ status: 'not_found', stale: false, id: '' });
});

it('reports ready only once the Genesys login works', async () => {
  const { app } = await setup();
  sim.setFault('login', { kind: 'status', status: 503, times: 1 });
  const first = await app.inject({ method: 'GET', url: '/readyz' });
  expect(first.statusCode).toBe(503);
  expect(first.json().checks['genesys-login']).toMatch(/^failed: genesys login answered HTTP 503/);
  expect((await app.inject({ method: 'GET', url: '/readyz' })).json().checks['genesys-login']).toBe('ok');
});
