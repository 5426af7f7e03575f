import type { Config } from '../config.js';
import type { ErrorCode } from '../errors.js';
import { packageVersion } from '../package.js';
import { ErrorBody } from './error-schema.js';
import { rewriteRefs, toJsonSchema, type JsonSchema } from './json-schema.js';
import {
  DATA_ACTIONS_PREFIX, EVENTS_PREFIX, KNOWN_ROUTES, describeCodes, errorCodesFor, familyOf, hasRetryAfter, pascal,
  responseName,
} from './operations.js';
import type { CollectedRoute } from './route-table.js';

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

const SCHEMAS = '#/components/schemas/';
const JSON_TYPE = 'application/json';

const baseName = (url: string) => pascal(url.replace(/^\/v1\//, '/')) || 'Root';
const operationId = (r: CollectedRoute) => r.method.toLowerCase() + baseName(r.url);
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function securityFor(url: string) {
  if (url.startsWith(DATA_ACTIONS_PREFIX)) return [{ dataActionsApiKey: [] }, { dataActionsBasic: [] }];
  if (url.startsWith(EVENTS_PREFIX)) return [{ ingestApiKey: [] }, { ingestBasic: [] }];
  return undefined;
}

/**
 * Builds the OpenAPI 3.1 document from the route table. Deterministic: paths, components and
 * statuses are sorted and nothing depends on time, so `openapi/openapi.json` can be diffed in CI.
 */
export function buildOpenApiDocument(routes: CollectedRoute[], config: Config): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = { ErrorBody: toJsonSchema(ErrorBody, 'output').schema };
  const names = { input: new Map<unknown, string>(), output: new Map<unknown, string>() };
  /** One component per schema object and direction: routes that share a zod schema share it. */
  const component = (schema: unknown, io: 'input' | 'output', name: string) => {
    const seen = names[io].get(schema);
    if (seen) return { $ref: SCHEMAS + seen };
    const converted = toJsonSchema(schema, io);
    for (const [id, def] of Object.entries(converted.defs)) schemas[id] = rewriteRefs(def, SCHEMAS);
    schemas[name] = rewriteRefs(converted.schema, SCHEMAS);
    names[io].set(schema, name);
    return { $ref: SCHEMAS + name };
  };

  const paths: OpenApiDocument['paths'] = {};
  const errorResponses = new Map<string, readonly ErrorCode[]>();
  for (const route of routes) {
    if (route.schema.hide) continue;
    const known = KNOWN_ROUTES[`${route.method} ${route.url}`];
    const id = operationId(route);
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(route.schema.response ?? {})) {
      responses[status] = {
        description: status.startsWith('2') ? 'OK' : 'See the error code',
        content: { [JSON_TYPE]: { schema: component(schema, 'output', `${baseName(route.url)}Response${status}`) } },
      };
    }
    for (const [status, doc] of Object.entries(known?.responses ?? {})) {
      if (responses[status]) continue;
      const content = doc.schema
        ? { [JSON_TYPE]: { schema: component(doc.schema, 'output', `${baseName(route.url)}Response`) } }
        : doc.contentType ? { [doc.contentType]: { schema: { type: 'string' } } } : undefined;
      responses[status] = { description: doc.description, ...(content && { content }) };
    }
    if (!Object.keys(responses).some((s) => s.startsWith('2'))) responses['200'] = { description: 'OK' };
    for (const [status, codes] of errorCodesFor(route)) {
      const name = responseName(familyOf(route.url), status);
      errorResponses.set(name, codes);
      responses[status] ??= { $ref: `#/components/responses/${name}` };
    }
    const security = securityFor(route.url);
    const operation = {
      operationId: id,
      summary: route.schema.summary ?? known?.summary ?? `${route.method} ${route.url}`,
      ...(route.schema.description && { description: route.schema.description }),
      tags: [familyOf(route.url)],
      ...(security ? { security } : { security: [] }),
      ...(route.schema.body !== undefined && {
        requestBody: {
          required: true,
          content: { [JSON_TYPE]: { schema: component(route.schema.body, 'input', `${baseName(route.url)}Request`) } },
        },
      }),
      responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b))),
    };
    (paths[openApiPath(route.url)] ??= {})[route.method.toLowerCase()] = operation;
  }

  const retryAfter = { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } };
  const byName = [...errorResponses].sort(([a], [b]) => a.localeCompare(b));
  const responses = Object.fromEntries(byName.map(([name, codes]) => [name, {
    description: describeCodes(codes),
    ...(hasRetryAfter(codes) && { headers: { 'retry-after': retryAfter } }),
    content: { [JSON_TYPE]: { schema: { $ref: `${SCHEMAS}ErrorBody` } } },
  }]));

  return {
    openapi: '3.1.0',
    info: {
      title: 'Genesys Data Actions Service',
      version: packageVersion(),
      description: 'Genesys Cloud Web Services Data Action endpoints and an Amazon EventBridge API-destination '
        + 'receiver. Generated from the zod schemas the routes validate with; do not edit by hand (npm run openapi).',
    },
    tags: [
      { name: 'data-actions', description: 'Called by Genesys Cloud data actions from Architect flows' },
      { name: 'events', description: 'Called by an EventBridge API destination' },
      { name: 'operations', description: 'Health, readiness, metrics and this document' },
    ],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
      responses,
      securitySchemes: {
        dataActionsApiKey: {
          type: 'apiKey', in: 'header', name: config.auth.dataActions.apiKeyHeader,
          description: 'One of DATA_ACTION_API_KEYS',
        },
        dataActionsBasic: {
          type: 'http', scheme: 'basic',
          description: 'One of the DATA_ACTION_BASIC_AUTH user:password pairs (Genesys "Basic Auth" credentials)',
        },
        ingestApiKey: {
          type: 'apiKey', in: 'header', name: config.auth.ingest.apiKeyHeader,
          description: 'One of INGEST_API_KEYS, in the header named by INGEST_API_KEY_HEADER '
            + '(EventBridge connection of type API key)',
        },
        ingestBasic: {
          type: 'http', scheme: 'basic',
          description: 'One of the INGEST_BASIC_AUTH pairs (EventBridge connection of type Basic)',
        },
      },
    },
  };
}
