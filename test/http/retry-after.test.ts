import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/http/retry.js';

// docs/contract.md: Retry-After is honoured "in seconds or as an HTTP date"; anything else falls back to
// backoff. V8's Date.parse reads junk such as "1.5" or "-1" as a date in the past, which would
// have turned a malformed header into an immediate retry (0 ms) instead of a backoff.

describe('retryAfterMs', () => {
  const unreadable = ['1.5', '-1', 'soon', '12 30', '', '  ', '2026-11-23T15:31:17Z', '0x10'];
  it.each(unreadable)('reads %j as absent (undefined), not as 0', (value) => {
    expect(retryAfterMs(value)).toBeUndefined();
  });

  it('reads no header as absent', () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it('reads delta-seconds, surrounding spaces allowed', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('0')).toBe(0);
    expect(retryAfterMs(' 3 ')).toBe(3000);
    expect(retryAfterMs(['4', '9'])).toBe(4000);
  });

  it('reads an IMF-fixdate as the time left until it', () => {
    const now = Date.UTC(2026, 10, 23, 15, 31, 17);
    expect(retryAfterMs(new Date(now + 3000).toUTCString(), now)).toBe(3000);
    expect(retryAfterMs('Mon, 23 Nov 2026 15:31:20 GMT', now)).toBe(3000);
    // Against the real clock: a date 3 s ahead is about 3 s away (whole seconds only).
    const ahead = retryAfterMs(new Date(Date.now() + 3000).toUTCString());
    expect(ahead).toBeGreaterThanOrEqual(2000);
    expect(ahead).toBeLessThanOrEqual(4000);
  });

  it('reads an IMF-fixdate in the past as 0', () => {
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT')).toBe(0);
    expect(retryAfterMs(new Date(Date.now() - 60_000).toUTCString())).toBe(0);
  });
});
