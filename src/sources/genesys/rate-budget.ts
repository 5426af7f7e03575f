import type { Clock } from '../../clock.js';

// The client-side budget of Platform API requests (GENESYS_RATE_LIMIT_PER_MINUTE): a sliding log
// of the requests sent, so that no window of the configured length ever holds more than `limit`
// of them, and a pause that a 429's Retry-After sets for every request. This file is the budget
// of one process; rate-budget-redis.ts shares one between replicas (docs/genesys-data-actions.md,
// "The Platform API budget").

/** Why a request was not admitted. */
export type Refusal = 'spent' | 'paused' | 'store_unavailable';

export type Admission =
  | { ok: true; remaining: number }
  | { ok: false; reason: Refusal; retryInMs?: number; remaining: number };

export interface RateBudget {
  readonly limit: number;
  /**
   * Takes one request slot now, or refuses at once (it never waits for one). `reserve` slots
   * must be left over: optional requests (a single lookup that fills a gap) leave the rest of
   * the budget to the ones callers need.
   */
  take(reserve?: number): Promise<Admission>;
  /** Why and how long requests are known to be refused, without asking a store; undefined when they may be tried. */
  blocked(): { reason: Refusal; retryInMs: number } | undefined;
  /** Holds every request for `ms` (a 429's Retry-After), here and, when shared, in every replica. */
  pause(ms: number): Promise<void>;
  /** Slots left in the window as last seen (exact for one process; as of its last request when shared). */
  remaining(): number;
  close(): Promise<void>;
}

export interface BudgetSettings {
  limit: number;
  /** The length of the window: Genesys' minute plus the time one request may take to arrive. */
  windowMs: number;
}

/** The budget of one process, on the app's clock: a queue of send times, at most `limit` long. */
export function memoryRateBudget(settings: BudgetSettings, clock: Clock): RateBudget {
  const { limit, windowMs } = settings;
  const sent: number[] = [];
  let head = 0;
  let pausedUntil = -Infinity;

  const used = (now: number) => {
    while (head < sent.length && sent[head]! <= now - windowMs) head += 1;
    if (head > 1024 && head * 2 > sent.length) {
      sent.splice(0, head);
      head = 0;
    }
    return sent.length - head;
  };
  /** When the `n`-th oldest request of the window leaves it. */
  const frees = (n: number) => sent[head + n]! + windowMs;

  return {
    limit,
    take(reserve = 0) {
      const now = clock.now();
      const inWindow = used(now);
      const remaining = limit - inWindow;
      const refuse = (reason: Refusal, until: number) =>
        Promise.resolve<Admission>({ ok: false, reason, retryInMs: until - now, remaining });
      if (now < pausedUntil) return refuse('paused', pausedUntil);
      if (remaining <= reserve) return refuse('spent', frees(reserve - remaining));
      sent.push(now);
      return Promise.resolve({ ok: true, remaining: remaining - 1 });
    },
    blocked() {
      const now = clock.now();
      if (now < pausedUntil) return { reason: 'paused', retryInMs: pausedUntil - now };
      return used(now) >= limit ? { reason: 'spent', retryInMs: frees(0) - now } : undefined;
    },
    pause(ms) {
      pausedUntil = Math.max(pausedUntil, clock.now() + ms);
      return Promise.resolve();
    },
    remaining: () => limit - used(clock.now()),
    close: () => Promise.resolve(),
  };
}
