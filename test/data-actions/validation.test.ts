import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { DATA_KEY } from '../helpers/app.js';
import { dataActionApp, startSimulator, type Simulator } from './helpers.js';

// The input rules (docs/contract.md): 400 VALIDATION_FAILED naming each bad field, and no backend called.

let sim: Simulator;
let app: App;
let post: Awaited<ReturnType<typeof dataActionApp>>['post'];
beforeAll(async () => {
  sim = await startSimulator();
  ({ app, post } = await dataActionApp(sim));
});
afterAll(async () => {
  await app.close();
  await sim.close();
});

const ID_RULE = 'must be 1-128 characters of A-Z a-z 0-9 . _ : @ + -';
const INCLUDE_RULE = 'must be a comma-separated subset of user,crm,orders';
const LIMIT_RULE = 'must be an integer from 1 to 50';
const cases: [string, string, unknown, Record<string, string>][] = [
  ['customerId missing', 'customer-context', { userId: 'u-1' }, { customerId: 'is required' }],
  ['customerId not a string', 'crm-account', { customerId: 42 }, { customerId: 'must be a string' }],
  ['customerId empty', 'orders', { customerId: '' }, { customerId: ID_RULE }],
  ['customerId with a path', 'crm-account', { customerId: '../x' }, { customerId: ID_RULE }],
  ['customerId with a slash', 'customer-context', { customerId: 'a/b' }, { customerId: ID_RULE }],
  ['customerId of 129 characters', 'customer-context', { customerId: 'c'.repeat(129) }, { customerId: ID_RULE }],
  ['userId with a slash', 'genesys-user', { userId: 'a/b' }, { userId: ID_RULE }],
  ['userId a dot-segment', 'genesys-user', { userId: '..' },
    { userId: 'must not be . or .., and 1-128 characters of A-Z a-z 0-9 . _ : @ + -' }],
  ['userId missing on genesys-user', 'genesys-user', {}, { userId: 'is required' }],
  ['include with an unknown source', 'customer-context', { customerId: 'c-1', include: 'user,billing' },
    { include: INCLUDE_RULE }],
  ['include not a string', 'customer-context', { customerId: 'c-1', include: ['user'] }, { include: INCLUDE_RULE }],
  ['ordersLimit 0', 'orders', { customerId: 'c-1', ordersLimit: 0 }, { ordersLimit: LIMIT_RULE }],
  ['ordersLimit 51', 'customer-context', { customerId: 'c-1', ordersLimit: 51 }, { ordersLimit: LIMIT_RULE }],
  ['ordersLimit 1.5', 'orders', { customerId: 'c-1', ordersLimit: 1.5 }, { ordersLimit: LIMIT_RULE }],
  ['ordersLimit as a string', 'orders', { customerId: 'c-1', ordersLimit: '5' }, { ordersLimit: LIMIT_RULE }],
  ['several fields at once', 'customer-context', { customerId: 'a/b', userId: 'x y', ordersLimit: 0 },
    { customerId: ID_RULE, userId: ID_RULE, ordersLimit: LIMIT_RULE }],
];

describe('input validation', () => {
  it.each(cases)('%s → 400 naming the field', async (_name, route, payload, fields) => {
    const res = await post(route, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: expect.any(String), fields } });
  });

  it('answers a malformed JSON body with 400 INVALID_JSON', async () => {
    const res = await app.inject({
      method: 'POST', url: '/v1/data-actions/customer-context',
      headers: { 'x-api-key': DATA_KEY, 'content-type': 'application/json' }, payload: '{"customerId": "c-1",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('INVALID_JSON');
  });

  it('accepts the limits, ignores unknown fields and treats an empty include as all sources', async () => {
    const res = await post('customer-context', {
      customerId: 'c'.repeat(128), ordersLimit: 50, include: '', extra: { nested: true },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.status).toBe('skipped');
    expect(res.json().orders).toMatchObject({ status: 'ok', count: 7, hasMore: false });
  });

  it('calls no backend for the rejected inputs', async () => {
    sim.reset(); // counts from here, whatever the cases before did
    for (const [, route, payload] of cases) expect((await post(route, payload)).statusCode).toBe(400);
    for (const b of ['login', 'users', 'crm', 'orders'] as const) expect(sim.hits(b), b).toBe(0);
  });

  it('refuses a request without credentials', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/data-actions/orders', payload: { customerId: 'c-1' } });
    expect(res.statusCode).toBe(401);
  });
});
