import { createClock } from '@sinonjs/fake-timers';
import type { Clock } from '../../src/clock.js';

/**
 * A clock the test moves by hand, given to the app through buildApp's `clock` override: budgets,
 * retry waits, circuit resets, cache TTLs and token lifetimes stand still until `advance`, while
 * sockets, the simulator and Fastify run in real time. A test waits for an observable state (a
 * backend hit, a metric), then advances exactly the time the behaviour is about.
 */
export function manualClock() {
  const fake = createClock(1_000_000);
  const clock: Clock = {
    now: () => fake.now,
    wallNow: () => fake.Date.now(),
    setTimeout: (callback, ms) => fake.setTimeout(callback, ms),
    clearTimeout: (timer) => fake.clearTimeout(timer as ReturnType<typeof fake.setTimeout>),
  };
  return {
    clock,
    /** Moves time forward, firing every timer due meanwhile (and the promises they settle). */
    advance: async (ms: number) => { await fake.tickAsync(ms); },
  };
}

/** Polls `check` in real time until it holds: for states a test cannot await (a backend was hit). */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Whether `promise` has settled, without waiting for it. */
export async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(() => { done = true; }, () => { done = true; });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}
