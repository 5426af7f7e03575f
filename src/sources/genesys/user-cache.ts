import type { Clock } from '../../clock.js';
import { startBudget, type Budget } from '../../http/budget.js';
import type { Breaker } from '../../http/circuit.js';
import { upstream } from '../../http/errors.js';
import type { Metrics } from '../../metrics.js';
import { createReadThroughCache } from '../cache.js';
import type { Cached } from '../definition.js';
import { MAX_BULK_IDS, type UsersApi } from './api.js';
import { createBatcher, type Pace } from './batcher.js';
import type { ApiGate } from './gate.js';
import { createUserLoader, NOT_FOUND, type Entry } from './lookup.js';
import { TARGET, type UserData } from './model.js';
import { createRefreshAhead } from './refresh-ahead.js';

// The user lookups as a data action sees them (docs/genesys-data-actions.md, "Bulk lookups and
// refresh-ahead"): the read-through cache (coalescing, stale-if-error) whose misses share bulk
// requests, and the refresh-ahead that keeps the recently used users fresh. A lookup that finds
// the API budget spent or paused does not queue: it answers the cached user, stale, or
// `rate_limited` at once.

export interface UserCacheSettings {
  cacheTtlMs: number;
  timeoutMs: number;
  keepWarmMs: number;
  rateLimitPerMinute: number;
}

/** Misses alone may spend 80% of the budget's pace: the rest is left to the refreshes. */
const MISS_SHARE = 0.8;

function missPace(settings: UserCacheSettings): Pace {
  const intervalMs = 60_000 / (settings.rateLimitPerMinute * MISS_SHARE);
  // A burst of about 2 s of the pace; the longest wait keeps most of a lookup's budget for the request.
  return { intervalMs, burst: Math.max(1, Math.round(2000 / intervalMs)), maxWaitMs: settings.timeoutMs / 4 };
}

/**
 * What optional requests leave of the budget to the misses, whose callers have nothing else: a
 * refresh leaves a tenth (a user past its TTL is still answered, stale), a single lookup of a
 * presence that a bulk answer left out leaves half (the user is answered without it, flagged).
 */
const reserves = (limit: number) => ({ refresh: Math.floor(limit / 10), single: Math.floor(limit / 2) });

/** Refresh-ahead needs a TTL with room to refresh in: a tick (TTL/10, at most 5 s) plus a request's timeout. */
function refreshTiming(settings: UserCacheSettings) {
  if (settings.keepWarmMs === 0 || settings.cacheTtlMs < 4 * settings.timeoutMs) return undefined;
  const tickMs = Math.min(5000, settings.cacheTtlMs / 10);
  return { tickMs, leadMs: tickMs + settings.timeoutMs };
}

export function createUserCache(
  settings: UserCacheSettings,
  deps: { api: UsersApi; gate: ApiGate; breaker: Breaker; clock: Clock; metrics: Metrics; max: number },
) {
  const { clock, breaker, gate } = deps;
  /** Work that several lookups share runs under a budget of its own (src/http/budget.ts). */
  const shared = async <T>(work: (budget: Budget) => Promise<T>) => {
    const budget = startBudget(settings.timeoutMs, clock);
    try {
      return await breaker.run(() => work(budget));
    } finally {
      budget.release();
    }
  };

  const loadUsers = createUserLoader({
    api: deps.api, metrics: deps.metrics, peek: (id) => cache.peek(id),
    reserve: reserves(settings.rateLimitPerMinute),
  });
  const batcher = createBatcher<Entry>({
    clock, maxSize: MAX_BULK_IDS, pace: missPace(settings), run: (ids) => shared((b) => loadUsers(ids, 'miss', b)),
  });
  const cache = createReadThroughCache<Entry>({
    name: 'genesys-user', target: TARGET, ttlMs: settings.cacheTtlMs, timeoutMs: settings.timeoutMs,
    max: deps.max, metrics: deps.metrics, clock,
    load: (id) => {
      const held = gate.refusalFor('users_bulk');
      return held ? Promise.reject(held) : batcher.load(id);
    },
  });

  const timing = refreshTiming(settings);
  const refresher = timing && createRefreshAhead({
    ...timing, clock, metrics: deps.metrics, keepWarmMs: settings.keepWarmMs, max: deps.max,
    freshForMs: (id) => (cache.peek(id) === NOT_FOUND ? undefined : cache.freshForMs(id)),
    loading: (id) => batcher.has(id),
    onTick: () => deps.metrics.genesysBudgetRemaining.set(gate.budget.remaining()),
    refresh: async (ids) => {
      const results = await shared((b) => loadUsers(ids, 'refresh', b));
      // A lookup that started meanwhile stores its own answer; writing over it would cancel it.
      for (const [id, entry] of results) if (!(entry instanceof Error) && !batcher.has(id)) cache.set(id, entry);
    },
  });

  return {
    async get(id: string, budget: Budget): Promise<Cached<UserData>> {
      refresher?.touch(id);
      const { value, stale } = await cache.get(id, budget);
      if ('notFound' in value) throw upstream.notFound(TARGET);
      return { value: value.user, stale: stale || !value.current };
    },
    close() {
      refresher?.close();
      batcher.close();
    },
  };
}
