// Shared helpers for the simulator tests: real loopback HTTP through global fetch.
import type { Simulator } from '../../src/simulator/index.js';

export const BASIC = `Basic ${Buffer.from('sim-client:sim-secret').toString('base64')}`;

export function login(sim: Simulator, auth = BASIC, grant = 'client_credentials'): Promise<Response> {
  return fetch(`${sim.urls.genesysLogin}/oauth/token`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: grant }).toString(),
  });
}

export async function token(sim: Simulator): Promise<string> {
  const res = await login(sim);
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

export function getUser(sim: Simulator, tok: string, id: string, expand = ''): Promise<Response> {
  const q = expand ? `?expand=${expand}` : '';
  return fetch(`${sim.urls.genesysApi}/api/v2/users/${encodeURIComponent(id)}${q}`, {
    headers: { authorization: `Bearer ${tok}` },
  });
}

export function getAccount(sim: Simulator, id: string, include = '', key = 'sim-crm-key'): Promise<Response> {
  const q = new URLSearchParams({ id, ...(include ? { include } : {}) });
  return fetch(`${sim.urls.crm}/v2/accounts?${q.toString()}`, { headers: { 'x-api-key': key } });
}

export function postOrders(sim: Simulator, body: unknown, key = 'sim-orders-key'): Promise<Response> {
  return fetch(`${sim.urls.orders}/v1/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function postJson(url: string, body: unknown, method = 'POST'): Promise<Response> {
  return fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function waitFor(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
