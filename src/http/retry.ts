/** Attempts per call and the full-jitter backoff between them (<SOURCE>_RETRY_* variables). */
export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

// When to wait before another attempt: the server's Retry-After when it sent one,
// otherwise exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff
// and Jitter": sleep = random(0, min(cap, base * 2^n)), which spreads synchronized clients best).

const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** Retry-After in ms, from delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined if absent or malformed. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // Only an IMF-fixdate (the form servers must send): V8's Date.parse accepts junk such as
  // "1.5" or "-1" as a date in the past, which would turn into an immediate retry.
  if (!IMF_FIXDATE.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Full-jitter backoff before retry number `retry` (1 for the first retry). */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
  return Math.random() * cap;
}
