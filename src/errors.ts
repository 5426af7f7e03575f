// The catalogue of coded errors the service answers with (cf. fastify's lib/errors.js).
// Every error body has one shape (docs/contract.md): { error: { code, message, fields } }.

export type FieldProblems = Record<string, string>;

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    readonly fields: FieldProblems = {},
    /** Seconds for the `retry-after` header (429 and 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const errors = {
  invalidJson: () => new AppError('INVALID_JSON', 400, 'the request body is not valid JSON'),
  // Parser-level errors, answered before Fastify sees a request (plugins/client-errors.ts).
  malformedRequest: (reason: string) =>
    new AppError('MALFORMED_REQUEST', 400, `the request is not valid HTTP/1.1 (${reason})`),
  requestTimeout: (headersMs: number, requestMs: number) => new AppError('REQUEST_TIMEOUT', 408,
    `the request did not arrive in time (headers within ${headersMs} ms, the whole request within ${requestMs} ms)`),
  headersTooLarge: (limit: number) =>
    new AppError('HEADERS_TOO_LARGE', 431, `the request headers exceed ${limit} bytes`),
  validation: (fields: FieldProblems) =>
    new AppError('VALIDATION_FAILED', 400, `invalid input: ${Object.keys(fields).join(', ')}`, fields),
  unauthorized: () => new AppError('UNAUTHORIZED', 401, 'missing or invalid credentials'),
  notFound: (method: string, url: string) => new AppError('NOT_FOUND', 404, `no route for ${method} ${url}`),
  payloadTooLarge: (limit: number) => new AppError('PAYLOAD_TOO_LARGE', 413, `the request body exceeds ${limit} bytes`),
  unsupportedMediaType: () => new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'send the body as application/json'),
  idempotencyKeyReused: (fields: FieldProblems) => new AppError('IDEMPOTENCY_KEY_REUSED', 422,
    'the Idempotency-Key was used before for a different event: send a new event under a new key', fields),
  rateLimited: (retryAfterSeconds: number) =>
    new AppError('RATE_LIMITED', 429, `rate limit exceeded, retry in ${retryAfterSeconds} s`, {}, retryAfterSeconds),
  queueFull: (retryAfterSeconds = 1) =>
    new AppError('QUEUE_FULL', 429, 'the ingestion queue is full, retry later', {}, retryAfterSeconds),
  inProgressElsewhere: (retryAfterSeconds = 1) =>
    new AppError('EVENT_IN_PROGRESS', 429,
      'the same event (or Idempotency-Key) is being stored by another request, retry later', {}, retryAfterSeconds),
  shuttingDown: () => new AppError('SHUTTING_DOWN', 503, 'the service is shutting down, retry on another instance', {}, 5),
  overloaded: (retryAfterSeconds = 2) =>
    new AppError('OVERLOADED', 503, 'the service is shedding load, retry later', {}, retryAfterSeconds),
  sinkUnavailable: (retryAfterSeconds = 5) =>
    new AppError('SINK_UNAVAILABLE', 503, 'events could not be stored, retry later', {}, retryAfterSeconds),
  sinkTimeout: () => new AppError('SINK_TIMEOUT', 503,
    'the events are not stored yet (the sink is slow): send them again, a stored event is answered as a duplicate', {}, 1),
  dedupUnavailable: (retryAfterSeconds = 5) =>
    new AppError('DEDUP_STORE_UNAVAILABLE', 503, 'the deduplication store is unavailable, retry later', {}, retryAfterSeconds),
  internal: () => new AppError('INTERNAL_ERROR', 500, 'internal server error'),
};

export function errorBody(err: AppError) {
  return { error: { code: err.code, message: err.message, fields: err.fields } };
}
