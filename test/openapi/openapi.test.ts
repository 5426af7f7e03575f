import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { GENESYS_DIR, OPENAPI_FILE, renderArtifacts } from '../../src/openapi/artifacts.js';
import { testConfig } from '../helpers/app.js';
import { routeTable } from './helpers.js';

type Operation = {
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
  security?: unknown[];
  requestBody?: unknown;
};
type Doc = { paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, unknown>> };

describe('OpenAPI document', () => {
  let app: App;
  let served: Doc;
  let files: Map<string, string>;
  beforeAll(async () => {
    files = await renderArtifacts();
    // Any configuration with the default header names serves the committed document.
    app = await buildApp(testConfig(), { logger: false });
    await app.ready();
    const res = await app.inject('/openapi.json');
    expect(res.statusCode).toBe(200);
    served = res.json();
  });
  afterAll(() => app.close());

  it('is committed as generated: run `npm run openapi` when this fails', () => {
    for (const [path, content] of files) {
      expect(existsSync(path), `${path} is missing`).toBe(true);
      expect(readFileSync(path, 'utf8'), `${path} is stale`).toBe(content);
    }
    const committed = readdirSync(GENESYS_DIR).map((f) => `${GENESYS_DIR}/${f}`);
    expect(committed.filter((f) => !files.has(f)), 'actions without a route').toEqual([]);
  });

  it('is what GET /openapi.json serves, and the same on every run', async () => {
    expect(served).toEqual(JSON.parse(files.get(OPENAPI_FILE)!));
    expect((await renderArtifacts()).get(OPENAPI_FILE)).toBe(files.get(OPENAPI_FILE));
  });

  it('describes every route of the route table', () => {
    const routes = routeTable(app);
    expect(routes.map((r) => r.url))
      .toEqual(expect.arrayContaining(['/healthz', '/readyz', '/metrics', '/openapi.json']));
    for (const { method, url } of routes) {
      expect(served.paths[url]?.[method.toLowerCase()], `${method} ${url}`).toBeDefined();
    }
  });

  it('lists every status of the v1 routes, with the shared error body and retry-after', () => {
    const v1 = routeTable(app).filter((r) => r.url.startsWith('/v1/'));
    expect(v1.length).toBeGreaterThan(0);
    for (const { method, url } of v1) {
      const op = served.paths[url]![method.toLowerCase()]!;
      expect(Object.keys(op.responses), url)
        .toEqual(expect.arrayContaining(['200', '400', '401', '413', '429', '503']));
      expect(op.responses['200']!.content!['application/json']!.schema, url).toHaveProperty('$ref');
      expect(op.requestBody, url).toBeDefined();
      for (const status of ['400', '401', '413', '429', '503']) {
        const ref = op.responses[status]!.$ref!.split('/').pop()!;
        expect(served.components.responses![ref]).toMatchObject({
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
        });
      }
    }
    expect(served.components.responses!.DataActions429).toHaveProperty(['headers', 'retry-after']);
    expect(served.components.responses!.Events503).toHaveProperty(['headers', 'retry-after']);
    expect(served.components.responses!.Events422).not.toHaveProperty('headers');
    // Each shared answer names the codes of the catalogue it stands for.
    expect(served.components.responses!.Events429).toMatchObject({ description: expect.stringMatching(/`QUEUE_FULL`: .*`EVENT_IN_PROGRESS`: /) });
    expect(served.components.schemas!.ErrorBody)
      .toMatchObject({ properties: { error: { required: ['code', 'message', 'fields'] } } });
  });

  it('declares the security of each route family', () => {
    expect(served.components.securitySchemes).toEqual({
      dataActionsApiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }),
      dataActionsBasic: expect.objectContaining({ type: 'http', scheme: 'basic' }),
      ingestApiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }),
      ingestBasic: expect.objectContaining({ type: 'http', scheme: 'basic' }),
    });
    for (const [url, item] of Object.entries(served.paths)) {
      const expected = url.startsWith('/v1/data-actions/') ? [{ dataActionsApiKey: [] }, { dataActionsBasic: [] }]
        : url.startsWith('/v1/events/') ? [{ ingestApiKey: [] }, { ingestBasic: [] }] : [];
      for (const op of Object.values(item)) expect(op.security, url).toEqual(expected);
    }
  });

  it('names the configured ingest header when served', async () => {
    const custom = await buildApp(testConfig({ INGEST_API_KEY_HEADER: 'X-EventBridge-Key' }), { logger: false });
    await custom.ready();
    const doc = (await custom.inject('/openapi.json')).json() as Doc;
    expect(doc.components.securitySchemes!.ingestApiKey).toMatchObject({ name: 'x-eventbridge-key' });
    await custom.close();
  });
});
