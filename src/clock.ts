/**
 * Time as the service sees it: a monotonic `now()` in milliseconds, the wall time, and the timers
 * that wait on `now()`.
 * Budgets, retry waits, circuit breakers, caches and token lifetimes all read this one clock, which
 * `buildApp` takes as an override, so tests drive time instead of sleeping through it.
 */
export interface Clock {
  now(): number;
  /** Milliseconds since the epoch (Date.now): for what the calendar names, such as the file sink's day files. */
  wallNow(): number;
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

/** What `setTimeout` returns: opaque to callers, only handed back to `clearTimeout`. */
export type ClockTimer = unknown;

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};
