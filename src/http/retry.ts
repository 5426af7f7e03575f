import type { RetryPolicy } from '../config.js';

// When to wait before another attempt (SPEC §3): the server's Retry-After when it sent one,
// otherwise exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff
// and Jitter": sleep = random(0, min(cap, base * 2^n)), which spreads synchronized clients best).

/** Retry-After in ms, from delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined if absent or malformed. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Full-jitter backoff before retry number `retry` (1 for the first retry). */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
  return Math.random() * cap;
}
