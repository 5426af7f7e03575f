import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { App } from '../../src/app.js';
import { actionProblems, buildGenesysActions } from '../../src/openapi/genesys.js';
import { buildTestApp, testConfig } from '../helpers/app.js';
import { committedActions, routeTable } from './helpers.js';
import { renderGenesys } from './velocity.js';

const committed = committedActions();
const config = testConfig();

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
      config: {
        request: { requestType: 'POST' },
        response: { translationMap: {}, translationMapDefaults: {}, successTemplate: '${rawResult}' },
        timeoutSeconds: 4,
      },
    });
  });

  it('sends an unset required number as null, so the body stays valid JSON', () => {
    const body = z.object({ n: z.int(), b: z.boolean().optional() });
    const route = [{ method: 'POST', url: '/v1/data-actions/n', schema: { body, response: { 200: z.object({}) } } }];
    const template = buildGenesysActions(route, config).get('n.json')!.config.request.requestTemplate;
    expect(JSON.parse(renderGenesys(template, {}))).toEqual({ n: null });
    expect(JSON.parse(renderGenesys(template, { n: 0, b: false }))).toEqual({ n: 0, b: false });
  });

  it('refuses schemas Genesys cannot import', () => {
    const route = (body: z.ZodType, output: z.ZodType) =>
      [{ method: 'POST', url: '/v1/data-actions/bad', schema: { body, response: { 200: output } } }];
    const ok = z.object({ id: z.string() });
    expect(() => buildGenesysActions(route(z.object({ 'bad name': z.string() }), ok), config)).toThrow(/name must match/);
    expect(() => buildGenesysActions(route(z.object({ rawRequest: z.string() }), ok), config)).toThrow(/reserved/);
    expect(() => buildGenesysActions(route(z.object({ id: z.object({ a: z.string() }) }), ok), config)).toThrow(/not a primitive/);
    expect(() => buildGenesysActions(route(ok, z.object({ m: z.array(z.array(z.string())) })), config)).toThrow(/nested arrays/);
    expect(buildGenesysActions(route(ok, z.object({ items: z.array(ok) })), config).size).toBe(1);
  });
});
