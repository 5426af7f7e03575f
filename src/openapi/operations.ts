import { z } from 'zod';
import { ERROR_CODES, type ErrorCode, type ErrorScope, type ErrorSpec } from '../errors.js';
import type { CollectedRoute } from './route-table.js';

// What the OpenAPI document says about routes and statuses that carry no zod response schema
// of their own. The routes themselves live elsewhere (plugins/health.ts, plugins/metrics.ts).

export const DATA_ACTIONS_PREFIX = '/v1/data-actions/';
export const EVENTS_PREFIX = '/v1/events/';

const Health = z.object({ status: z.literal('ok') });
const Readiness = z.object({
  status: z.enum(['ready', 'unready']),
  checks: z.record(z.string(), z.string())
    .describe('Each dependency by name: "ok" or "failed: <reason>"'
      + ' (also the dependency_up gauge); none decides the status'),
});

interface KnownResponse {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

/** Documentation for the operational routes, which declare no response schema. */
export const KNOWN_ROUTES: Record<string, { summary: string; responses: Record<string, KnownResponse> }> = {
  'GET /healthz': {
    summary: 'Liveness: the process answers',
    responses: { 200: { description: 'Alive', schema: Health } },
  },
  'GET /readyz': {
    summary: 'Readiness: the process can serve (started and not draining); dependencies are reported, not required',
    responses: {
      200: { description: 'Ready, whatever the dependencies report: each route degrades on its own',
        schema: Readiness },
      503: { description: 'Shutting down (draining): route new requests to another replica', schema: Readiness },
    },
  },
  'GET /metrics': {
    summary: 'Prometheus metrics',
    responses: {
      200: {
        description: 'Prometheus text exposition format',
        contentType: 'text/plain; version=0.0.4; charset=utf-8',
      },
    },
  },
  'GET /openapi.json': {
    summary: 'This OpenAPI document',
    responses: { 200: { description: 'OpenAPI 3.1 document', schema: z.record(z.string(), z.unknown()) } },
  },
};

/** The route family of a URL, as the error catalogue scopes codes. */
export const familyOf = (url: string): ErrorScope =>
  (url.startsWith(DATA_ACTIONS_PREFIX) ? 'data-actions' : url.startsWith(EVENTS_PREFIX) ? 'events' : 'operations');

/**
 * The coded errors an operation can answer, by status, from the catalogue (src/errors.ts): its
 * family's codes, the body codes when it reads a body, and neither SHUTTING_DOWN nor OVERLOADED
 * when it answers through the drain or load shedding. Request-level codes (a malformed request, a
 * slow upload, an unknown path) belong to every request and are documented once, in the contract.
 */
export function errorCodesFor(route: CollectedRoute): Map<number, ErrorCode[]> {
  const family = familyOf(route.url);
  const readsBody = route.schema.body !== undefined || route.method === 'POST';
  const byStatus = new Map<number, ErrorCode[]>();
  for (const [code, spec] of Object.entries(ERROR_CODES) as [ErrorCode, ErrorSpec][]) {
    if (!spec.scope.includes(family) || (spec.body && !readsBody)) continue;
    if (code === 'SHUTTING_DOWN' && route.answersDuring?.drain) continue;
    if (code === 'OVERLOADED' && route.answersDuring?.shedding) continue;
    byStatus.set(spec.status, [...(byStatus.get(spec.status) ?? []), code]);
  }
  return byStatus;
}

/** `data-actions` or `/customer-context` as `DataActions`, `CustomerContext`. */
export const pascal = (s: string) =>
  s.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');

/** `components.responses` name of a family's answers with one status, e.g. `Events503`. */
export const responseName = (family: ErrorScope, status: number) => `${pascal(family)}${status}`;

/** What a response with these codes means: each code and when it is answered. */
export const describeCodes = (codes: readonly ErrorCode[]) =>
  codes.map((code) => `\`${code}\`: ${ERROR_CODES[code].description}`).join('; ');

export const hasRetryAfter = (codes: readonly ErrorCode[]) => codes.some((code) => 'retryAfter' in ERROR_CODES[code]);
