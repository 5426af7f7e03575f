/**
 * Time as the service sees it: a monotonic `now()` in milliseconds and the timers that wait on it.
 * Budgets, retry waits, circuit breakers, caches and token lifetimes all read this one clock, which
 * `buildApp` takes as an override, so tests drive time instead of sleeping through it.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

/** What `setTimeout` returns: opaque to callers, only handed back to `clearTimeout`. */
export type ClockTimer = unknown;

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};
