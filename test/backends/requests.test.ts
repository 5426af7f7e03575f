import { expect, it } from 'vitest';
import { withSimulator } from '../data-actions/helpers.js';
import { fixture, received, vendorEnv } from './helpers.js';

// How a declared request carries its inputs (docs/backends.md, "Every key of a backend": request.path,
// request.query, request.body), and what a mapping that fails while it runs does to the answer.

const t = withSimulator();
const setup = () =>
  t.setup({ BACKENDS_FILE: fixture('requests'), VENDORS_URL: t.sim.urls.vendors, ...vendorEnv(t.sim) });
const HOSTILE = "a b/c'd&e=f?g#h%i+j é€😀";

it('URL-encodes an input as one path segment and as a query value', async () => {
  const { post } = await setup();
  const res = await post('in-path', { term: HOSTILE, note: 'x y' });
  expect(res.statusCode).toBe(200);
  // The simulated Zendesk knows no such user: a 404, not_found by the default status.
  expect(res.json().inPath.status).toBe('not_found');
  const [request] = received(t.sim, '/api/v2/users/');
  expect(request!.path).toBe(`/api/v2/users/${encodeURIComponent(HOSTILE)}/tickets/requested.json`);
  expect(request!.path.split('/')).toHaveLength(7);
  expect(request!.query).toEqual({ query: `requester:${HOSTILE}`, note: 'x y', fixed: 'a b&c' });
});

it('leaves out the query key of an absent optional input', async () => {
  const { post } = await setup();
  await post('in-path', { term: 'u1' });
  expect(received(t.sim, '/api/v2/users/')[0]!.query).toEqual({ query: 'requester:u1', fixed: 'a b&c' });
});

it('puts inputs in a JSON body with their types, and leaves out the key of an absent optional input', async () => {
  const { post } = await setup();
  const answer = (await post('in-body', { term: HOSTILE, count: 7, note: 'n' })).json();
  expect(answer.inBody).toMatchObject({ status: 'ok', total: 0 });
  await post('in-body', { term: 'ada@example.com', count: 3 });
  const [first, second] = received(t.sim, '/crm/v3/objects/contacts/search').map((r) => r.body);
  expect(first).toEqual({
    filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: HOSTILE }] }],
    properties: ['firstname'], limit: 7, query: 'n', label: `term=${HOSTILE}`,
  });
  expect(second).toEqual({
    filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'ada@example.com' }] }],
    properties: ['firstname'], limit: 3, label: 'term=ada@example.com',
  });
});

it('makes the source error, never a 500, when a mapping fails while it runs', async () => {
  const { post, metric } = await setup();
  const res = await post('throwing', { term: 'ada@example.com' });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toMatchObject({
    complete: false, failedSources: 'throwing',
    throwing: { status: 'error', error: 'throwing sent an answer the mapping of score could not read', score: 0 },
  });
  expect(await metric('data_action_source_results_total', { source: 'throwing', status: 'error' })).toBe(1);
});

it('answers not_found without a call when an input would be a "." or ".." segment of the path', async () => {
  const { post } = await setup();
  // URL parsing resolves dot segments: /api/v2/users/../tickets would reach /api/v2/tickets.
  for (const term of ['..', '.']) {
    const res = await post('in-path', { term });
    expect(res.statusCode).toBe(200);
    expect(res.json().inPath).toMatchObject({ status: 'not_found', count: 0 });
  }
  expect(t.sim.requests('vendors')).toEqual([]);
  expect((await post('in-path', { term: '...' })).json().inPath.status).toBe('not_found');
  expect(received(t.sim, '/api/v2/users/.../tickets/requested.json')).toHaveLength(1);
});
