import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { App } from '../../src/app.js';
import { actionProblems, buildGenesysActions, type GenesysAction } from '../../src/openapi/genesys.js';
import { buildTestApp, DATA_KEY, testConfig } from '../helpers/app.js';
import { renderVelocity, routeTable } from './helpers.js';

const DIR = 'openapi/genesys';
const committed = readdirSync(DIR).map((file) => ({ file, action: JSON.parse(readFileSync(`${DIR}/${file}`, 'utf8')) as GenesysAction }));
const config = testConfig();

type Props = Record<string, { type: string; properties?: Props; items?: { properties?: Props } }>;

/** Inputs a flow could send: every input set, and only the required ones. */
const SAMPLE: Record<string, unknown> = { customerId: 'c-1', userId: 'u-1', include: 'user,crm', ordersLimit: 3 };
function samples(action: GenesysAction): Record<string, unknown>[] {
  const schema = action.contract.input.inputSchema as { properties: Props; required: string[] };
  const all = Object.fromEntries(Object.keys(schema.properties).map((k) => [k, SAMPLE[k] ?? 'x']));
  return [all, Object.fromEntries(schema.required.map((k) => [k, all[k]]))];
}

/** Every property the output contract promises is in the answer, with the promised type. */
function conforms(body: Record<string, unknown>, properties: Props, path = ''): string[] {
  return Object.entries(properties).flatMap(([k, p]) => {
    const v = body[k];
    const actual = Array.isArray(v) ? 'array' : Number.isInteger(v) && p.type === 'integer' ? 'integer' : typeof v;
    if (actual !== p.type) return [`${path}${k}: ${actual}, contract says ${p.type}`];
    if (p.type === 'object') return conforms(v as Record<string, unknown>, p.properties ?? {}, `${path}${k}.`);
    return [];
  });
}

describe('Genesys data actions', () => {
  let app: App;
  beforeAll(async () => { app = await buildTestApp(); });
  afterAll(() => app.close());

  it('has one importable action per data-action route', () => {
    const routes = routeTable(app).filter((r) => r.url.startsWith('/v1/data-actions/'));
    expect(committed.map((c) => c.file).sort()).toEqual(routes.map((r) => `${r.url.split('/').pop()}.json`).sort());
  });

  it.each(committed)('$file follows the import format and the contract rules', ({ action }) => {
    expect(actionProblems(action, config)).toEqual([]);
    expect(action).toMatchObject({
      integrationType: 'custom-rest-actions', actionType: 'custom', secure: false,
      config: { request: { requestType: 'POST' }, response: { translationMap: {}, translationMapDefaults: {}, successTemplate: '${rawResult}' }, timeoutSeconds: 4 },
    });
  });

  it.each(committed)('$file renders a body the route accepts, and the answer fits the output contract', async ({ action }) => {
    const url = action.config.request.requestUrlTemplate.replace('${credentials.baseUrl}', '');
    for (const input of samples(action)) {
      const body = renderVelocity(action.config.request.requestTemplate, input);
      const res = await app.inject({ method: 'POST', url, headers: { 'x-api-key': DATA_KEY, 'content-type': 'application/json' }, payload: body });
      expect(res.statusCode, `${body} -> ${res.body}`).toBe(200);
      expect(conforms(res.json(), (action.contract.output.successSchema as { properties: Props }).properties)).toEqual([]);
    }
  });

  it.each(committed)('$file escapes quotes and backslashes into valid JSON', async ({ action }) => {
    const url = action.config.request.requestUrlTemplate.replace('${credentials.baseUrl}', '');
    const input = Object.fromEntries(Object.entries(samples(action)[0]!).map(([k, v]) => [k, typeof v === 'string' ? 'a"b\\c\n' : v]));
    const body = renderVelocity(action.config.request.requestTemplate, input);
    expect(JSON.parse(body)).toEqual(input);
    const res = await app.inject({ method: 'POST', url, headers: { 'x-api-key': DATA_KEY, 'content-type': 'application/json' }, payload: body });
    expect(res.json().error.code).toBe('VALIDATION_FAILED'); // parsed as JSON, then refused by the id rule
  });

  it('refuses schemas Genesys cannot import', () => {
    const route = (body: z.ZodType, output: z.ZodType) => [{ method: 'POST', url: '/v1/data-actions/bad', schema: { body, response: { 200: output } } }];
    const ok = z.object({ id: z.string() });
    expect(() => buildGenesysActions(route(z.object({ 'bad name': z.string() }), ok), config)).toThrow(/name must match/);
    expect(() => buildGenesysActions(route(z.object({ rawRequest: z.string() }), ok), config)).toThrow(/reserved/);
    expect(() => buildGenesysActions(route(z.object({ id: z.object({ a: z.string() }) }), ok), config)).toThrow(/not a primitive/);
    expect(() => buildGenesysActions(route(ok, z.object({ m: z.array(z.array(z.string())) })), config)).toThrow(/nested arrays/);
    expect(buildGenesysActions(route(ok, z.object({ items: z.array(ok) })), config).size).toBe(1);
  });
});
