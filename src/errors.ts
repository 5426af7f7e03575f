// The catalogue of coded errors the service answers with (cf. fastify's lib/errors.js): each code
// once, with its status, where it can be answered and what it means. The OpenAPI responses and the
// error table of docs/contract.md are generated from it. Every error body has one shape:
// { error: { code, message, fields } }.

export type FieldProblems = Record<string, string>;

/** Where a code can be answered: a route family, or any request at all (`connection`). */
export type ErrorScope = 'data-actions' | 'events' | 'operations' | 'connection';

export interface ErrorSpec {
  status: number;
  /** Route families that can answer it; `body` codes only on routes that read a body. */
  scope: readonly ErrorScope[];
  body?: true;
  /** Sent with a `retry-after` header. */
  retryAfter?: true;
  /** When it is answered, for the contract and the OpenAPI document. */
  description: string;
}

const ROUTES = ['data-actions', 'events', 'operations'] as const;
const FAMILIES = ['data-actions', 'events'] as const;

export const ERROR_CODES = {
  MALFORMED_REQUEST: {
    status: 400, scope: ['connection'],
    description: 'the request line or a header is not valid HTTP/1.1',
  },
  INVALID_JSON: {
    status: 400, scope: FAMILIES, body: true,
    description: 'the body is not valid JSON (or, for events, not UTF-8)',
  },
  VALIDATION_FAILED: {
    status: 400, scope: FAMILIES, body: true,
    description: '`fields` names each invalid input or event field',
  },
  BAD_REQUEST: {
    status: 400, scope: ROUTES,
    description: 'any other request Fastify refuses before it reaches a route',
  },
  UNAUTHORIZED: { status: 401, scope: FAMILIES, description: 'missing or wrong credentials' },
  NOT_FOUND: { status: 404, scope: ['connection'], description: 'no route for this method and path' },
  REQUEST_TIMEOUT: {
    status: 408, scope: ['connection'],
    description: 'the headers or the body did not arrive in time',
  },
  PAYLOAD_TOO_LARGE: { status: 413, scope: FAMILIES, body: true, description: 'the body is over the size limit' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415, scope: FAMILIES, body: true,
    description: 'the body is not sent as `application/json`',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422, scope: ['events'],
    description: 'the `Idempotency-Key` named another event before; final: send this one under a new key',
  },
  RATE_LIMITED: {
    status: 429, scope: ['data-actions'], retryAfter: true,
    description: 'the credential\'s inbound rate limit is spent',
  },
  QUEUE_FULL: { status: 429, scope: ['events'], retryAfter: true, description: 'the pending queue is full' },
  EVENT_IN_PROGRESS: {
    status: 429, scope: ['events'], retryAfter: true,
    description: 'the same event (or key) is being stored by another request or replica',
  },
  HEADERS_TOO_LARGE: { status: 431, scope: ['connection'], description: 'the request headers are over the limit' },
  INTERNAL_ERROR: { status: 500, scope: ROUTES, description: 'a bug: details are logged, never returned' },
  SHUTTING_DOWN: {
    status: 503, scope: ROUTES, retryAfter: true,
    description: 'the service is draining: retry on another instance',
  },
  OVERLOADED: {
    status: 503, scope: ROUTES, retryAfter: true,
    description: 'the service is shedding load (event-loop delay)',
  },
  SINK_UNAVAILABLE: {
    status: 503, scope: ['events'], retryAfter: true,
    description: 'the sink failed: nothing was acknowledged',
  },
  SINK_TIMEOUT: {
    status: 503, scope: ['events'], retryAfter: true,
    description: 'the sink is too slow to answer before EventBridge gives up; resend',
  },
  DEDUP_STORE_UNAVAILABLE: {
    status: 503, scope: ['events'], retryAfter: true,
    description: 'the deduplication store (Redis) is failing',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: FieldProblems = {},
    /** Seconds for the `retry-after` header (429 and 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
    this.statusCode = ERROR_CODES[code].status;
  }
}

export const errors = {
  invalidJson: () => new AppError('INVALID_JSON', 'the request body is not valid JSON'),
  // Parser-level errors, answered before Fastify sees a request (plugins/client-errors.ts).
  malformedRequest: (reason: string) =>
    new AppError('MALFORMED_REQUEST', `the request is not valid HTTP/1.1 (${reason})`),
  requestTimeout: (headersMs: number, requestMs: number) => new AppError('REQUEST_TIMEOUT',
    `the request did not arrive in time (headers within ${headersMs} ms, the whole request within ${requestMs} ms)`),
  headersTooLarge: (limit: number) => new AppError('HEADERS_TOO_LARGE', `the request headers exceed ${limit} bytes`),
  validation: (fields: FieldProblems) =>
    new AppError('VALIDATION_FAILED', `invalid input: ${Object.keys(fields).join(', ')}`, fields),
  badRequest: (message: string) => new AppError('BAD_REQUEST', message),
  unauthorized: () => new AppError('UNAUTHORIZED', 'missing or invalid credentials'),
  notFound: (method: string, url: string) => new AppError('NOT_FOUND', `no route for ${method} ${url}`),
  payloadTooLarge: (limit: number) => new AppError('PAYLOAD_TOO_LARGE', `the request body exceeds ${limit} bytes`),
  unsupportedMediaType: () => new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json'),
  idempotencyKeyReused: (fields: FieldProblems) => new AppError('IDEMPOTENCY_KEY_REUSED',
    'the Idempotency-Key was used before for a different event: send a new event under a new key', fields),
  rateLimited: (retryAfterSeconds: number) =>
    new AppError('RATE_LIMITED', `rate limit exceeded, retry in ${retryAfterSeconds} s`, {}, retryAfterSeconds),
  queueFull: (retryAfterSeconds = 1) =>
    new AppError('QUEUE_FULL', 'the ingestion queue is full, retry later', {}, retryAfterSeconds),
  inProgressElsewhere: (retryAfterSeconds = 1) => new AppError('EVENT_IN_PROGRESS',
    'the same event (or Idempotency-Key) is being stored by another request, retry later', {}, retryAfterSeconds),
  shuttingDown: () => new AppError('SHUTTING_DOWN', 'the service is shutting down, retry on another instance', {}, 5),
  overloaded: (retryAfterSeconds = 2) =>
    new AppError('OVERLOADED', 'the service is shedding load, retry later', {}, retryAfterSeconds),
  sinkUnavailable: (retryAfterSeconds = 5) =>
    new AppError('SINK_UNAVAILABLE', 'events could not be stored, retry later', {}, retryAfterSeconds),
  sinkTimeout: () => new AppError('SINK_TIMEOUT',
    'the events are not stored yet (the sink is slow): send them again, a stored event is answered as a duplicate',
    {}, 1),
  dedupUnavailable: (retryAfterSeconds = 5) => new AppError('DEDUP_STORE_UNAVAILABLE',
    'the deduplication store is unavailable, retry later', {}, retryAfterSeconds),
  internal: () => new AppError('INTERNAL_ERROR', 'internal server error'),
};

export function errorBody(err: AppError) {
  return { error: { code: err.code, message: err.message, fields: err.fields } };
}
