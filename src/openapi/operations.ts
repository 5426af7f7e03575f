import { z } from 'zod';

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
    responses: { 200: { description: 'Prometheus text exposition format', contentType: 'text/plain; version=0.0.4; charset=utf-8' } },
  },
  'GET /openapi.json': {
    summary: 'This OpenAPI document',
    responses: { 200: { description: 'OpenAPI 3.1 document', schema: z.record(z.string(), z.unknown()) } },
  },
};

/** Shared error answers (`components.responses`); each points at the one ErrorBody schema. */
export const ERROR_RESPONSES = {
  BadRequest: { status: '400', description: 'Invalid JSON or input: `fields` names each invalid field' },
  Unauthorized: { status: '401', description: 'Missing or wrong credentials' },
  PayloadTooLarge: { status: '413', description: 'Body over the size limit' },
  UnsupportedMediaType: { status: '415', description: 'Body not sent as application/json' },
  IdempotencyKeyReused: {
    status: '422',
    description: 'The Idempotency-Key was used before for a different event; final: send that event under a new key',
  },
  RateLimited: { status: '429', description: 'Inbound rate limit per credential exceeded; retry after `retry-after` seconds', retryAfter: true },
  IngestBackpressure: {
    status: '429',
    description: 'Pending queue full, or the same event (or Idempotency-Key) is being stored by another request'
      + ' or replica; retry after `retry-after` seconds',
    retryAfter: true,
  },
  InternalError: { status: '500', description: 'Unexpected error (a bug); details are logged, never returned' },
  Unavailable: { status: '503', description: 'Shedding load or shutting down; retry after `retry-after` seconds', retryAfter: true },
  IngestUnavailable: { status: '503', description: 'Sink or dedup store failing, shedding load or shutting down; retry after `retry-after` seconds', retryAfter: true },
} as const;

export type ErrorResponseName = keyof typeof ERROR_RESPONSES;

/** Which shared error answers a route can give, from its family and whether it reads a body. */
export function errorResponsesFor(method: string, url: string, hasBody: boolean): ErrorResponseName[] {
  const names: ErrorResponseName[] = [];
  if (hasBody || method === 'POST') names.push('BadRequest', 'PayloadTooLarge', 'UnsupportedMediaType');
  if (url.startsWith(DATA_ACTIONS_PREFIX)) names.push('Unauthorized', 'RateLimited', 'InternalError', 'Unavailable');
  else if (url.startsWith(EVENTS_PREFIX)) {
    names.push('Unauthorized', 'IdempotencyKeyReused', 'IngestBackpressure', 'InternalError', 'IngestUnavailable');
  }
  // /metrics and /openapi.json answer 503 while the service drains (plugins/lifecycle.ts).
  else if (url !== '/healthz' && url !== '/readyz') names.push('Unavailable');
  return names;
}
