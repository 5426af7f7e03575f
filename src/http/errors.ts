import type { Budget } from './budget.js';

// Outbound failures, each with a stable code (cf. undici's lib/core/errors.js). The data-action
// use case turns the code into a source status (docs/contract.md); the message is short, human and
// names the target, never a URL or a key.

export type UpstreamCode =
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_NOT_FOUND'
  | 'UPSTREAM_UNAUTHORIZED'
  | 'UPSTREAM_BAD_RESPONSE';

export class UpstreamError extends Error {
  constructor(readonly code: UpstreamCode, message: string, readonly status?: number) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export const upstream = {
  /** The budget that ended, not the caller's: the one whose time the message states. */
  timeout: (target: string, budget: Pick<Budget, 'totalMs'>) =>
    new UpstreamError('UPSTREAM_TIMEOUT', `${target} did not answer within ${budget.totalMs} ms`),
  rateLimited: (target: string, retryAfterMs?: number) => new UpstreamError('UPSTREAM_RATE_LIMITED',
    retryAfterMs === undefined
      ? `${target} is rate limiting requests`
      : `${target} is rate limiting requests (retry after ${Math.ceil(retryAfterMs / 1000)} s)`,
    429),
  /** Not sent: the client's own budget or a pause holds calls to a backend that counts requests. */
  held: (target: string, why: string) =>
    new UpstreamError('UPSTREAM_RATE_LIMITED', `${target} calls are held: ${why}`, 429),
  unreachable: (target: string) => new UpstreamError('UPSTREAM_UNAVAILABLE', `${target} is unreachable`),
  circuitOpen: (target: string) =>
    new UpstreamError('UPSTREAM_UNAVAILABLE', `${target} is failing, calls are paused (circuit open)`),
  refused: (target: string, status: number) =>
    new UpstreamError('UPSTREAM_UNAUTHORIZED', `${target} refused our credentials (HTTP ${status})`, status),
  notFound: (target: string) => new UpstreamError('UPSTREAM_NOT_FOUND', `${target} has no record for this id`, 404),
  status: (target: string, status: number) =>
    new UpstreamError('UPSTREAM_ERROR', `${target} answered HTTP ${status}`, status),
  badResponse: (target: string, why: string) => new UpstreamError('UPSTREAM_BAD_RESPONSE', `${target} sent ${why}`),
};

/** The error for a non-2xx answer. */
export function fromStatus(target: string, status: number, retryAfter?: number): UpstreamError {
  if (status === 401 || status === 403) return upstream.refused(target, status);
  if (status === 404) return upstream.notFound(target);
  if (status === 429) return upstream.rateLimited(target, retryAfter);
  return upstream.status(target, status);
}

const RESET = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);

/** A connection dropped mid-exchange: worth another attempt, unlike a refused one. */
export const isReset = (err: unknown) => RESET.has((err as { code?: string }).code ?? '');

const CONNECT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** No connection could be made: nothing was sent, so any request may safely try again. */
export const isConnectFailure = (err: unknown) => CONNECT.has((err as { code?: string }).code ?? '');

/** The error for a failure below HTTP (socket, size limit, parser). */
export function fromTransport(target: string, err: unknown, budget: Pick<Budget, 'totalMs'>): UpstreamError {
  const code = (err as { code?: string }).code;
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return upstream.badResponse(target, 'an answer over the 1 MiB limit');
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return upstream.timeout(target, budget);
  if (err instanceof SyntaxError) return upstream.badResponse(target, 'an answer that is not JSON');
  return upstream.unreachable(target);
}
