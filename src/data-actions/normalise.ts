import { UpstreamError, type UpstreamCode } from '../http/errors.js';
import type { SourceStatus } from './schemas.js';

// From what a source did to the status and error text of its section (docs/contract.md,
// "Source statuses").

export interface Outcome {
  status: SourceStatus;
  error: string;
  stale: boolean;
}

export type Section = Outcome & object;

const STATUS_OF: Record<UpstreamCode, SourceStatus> = {
  UPSTREAM_TIMEOUT: 'timeout',
  UPSTREAM_RATE_LIMITED: 'rate_limited',
  UPSTREAM_UNAVAILABLE: 'unavailable',
  UPSTREAM_UNAUTHORIZED: 'unavailable', // "the source's credentials were refused"
  UPSTREAM_NOT_FOUND: 'not_found',
  UPSTREAM_ERROR: 'error',
  UPSTREAM_BAD_RESPONSE: 'error',
};

export const ok = (stale = false): Outcome => ({ status: 'ok', error: '', stale });
export const skipped = (why: string): Outcome => ({ status: 'skipped', error: why, stale: false });
export const failed = (err: UpstreamError): Outcome =>
  ({ status: STATUS_OF[err.code], error: err.message, stale: false });
