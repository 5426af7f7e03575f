import { UpstreamError, type UpstreamCode } from '../http/errors.js';
import type { CrmData, OrdersData, SourceStatus, UserData } from './schemas.js';

// From what a source did to the status and error text of SPEC §3.

export interface Outcome {
  status: SourceStatus;
  error: string;
  stale: boolean;
}

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

/** Operational failures become data; anything else is a bug and must surface as one. */
export function failed(err: unknown): Outcome {
  if (!(err instanceof UpstreamError)) throw err;
  return { status: STATUS_OF[err.code], error: err.message, stale: false };
}

// Every field present, never null (a Genesys translation map does not default on null).
export const NO_USER: UserData = { id: '', name: '', email: '', department: '', title: '', presence: '', routingStatus: '' };
export const NO_ACCOUNT: CrmData = { accountId: '', name: '', tier: '', email: '', phone: '', language: '', preferredChannel: '' };
export const NO_ORDERS: OrdersData = { count: 0, hasMore: false, items: [] };
