import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import { startBudget, type Budget } from '../http/budget.js';
import { upstream, UpstreamError } from '../http/errors.js';
import type { Metrics } from '../metrics.js';
import type { CacheResult } from '../tracing/types.js';
import type { Cached } from './definition.js';

// A read-through cache for one backend. Concurrent lookups of one key share one backend call (a
// map of calls in flight, apart from the LRU, so an entry evicted meanwhile does not end a call
// someone waits for). Stale-if-error: `ttl` marks an entry stale but does not remove it (no
// ttlAutopurge, no delete on a stale get), so the last value can still be served, flagged
// `stale`, when the backend fails. Old entries leave by LRU. No AbortController per lookup, as
// lru-cache's fetch() makes one (docs/decisions.md, "One timing model").

export interface ReadThroughCache<V> {
  /** Waits for the (possibly shared) backend call at most until the caller's budget ends. */
  get(key: string, budget: Budget): Promise<Cached<V>>;
  /** The value held for `key`, however old, without counting a lookup; undefined when none is. */
  peek(key: string): V | undefined;
  /** Holds a value loaded another way (a bulk refresh), fresh for the TTL from now. */
  set(key: string, value: V): void;
  /** Ms until `key` goes stale (negative once it has); undefined when nothing is held. */
  freshForMs(key: string): number | undefined;
}

export interface CacheOptions<V> {
  /** The cache's metrics label. */
  name: string;
  /** The backend as error texts name it. */
  target: string;
  ttlMs: number;
  max: number;
  /** The source's timeout: a shared backend call runs under a budget this long, not under one caller's. */
  timeoutMs: number;
  metrics: Metrics;
  clock: Clock;
  load: (key: string, budget: Budget) => Promise<V>;
}

/** A 404 is an answer, not a failure: serving the old record then would resurrect a deleted one. */
const isNotFound = (err: unknown) => err instanceof UpstreamError && err.code === 'UPSTREAM_NOT_FOUND';

export function createReadThroughCache<V extends object>(opts: CacheOptions<V>): ReadThroughCache<V> {
  const values = new LRUCache<string, V>({
    max: opts.max,
    // lru-cache reads ttl 0 as "never expires"; 1 ms is the nearest to "always ask the backend".
    ttl: Math.max(1, opts.ttlMs),
    // Every TTL check reads the app's clock (lru-cache would otherwise reuse a reading for 1 ms).
    perf: opts.clock,
    ttlResolution: 0,
    noDeleteOnStaleGet: true,
  });
  const inFlight = new Map<string, Promise<V>>();
  const count = (result: CacheResult, budget: Budget) => {
    opts.metrics.cache.inc({ cache: opts.name, result });
    if (budget.trace) budget.trace.cache = result;
  };

  /**
   * One backend call for everyone asking for `key` meanwhile. It has its own budget: a caller who
   * joins late is not cut short by the first caller's deadline, and the answer still fills the
   * cache. Traced, the call is a span of the caller that started it.
   */
  function shared(key: string, budget: Budget): Promise<V> {
    const own = startBudget(opts.timeoutMs, opts.clock, undefined, budget.trace);
    const call = opts.load(key, own).then(
      (value) => {
        values.set(key, value);
        return value;
      },
      (err: unknown) => {
        if (isNotFound(err)) values.delete(key);
        throw err;
      },
    ).finally(() => {
      own.release();
      inFlight.delete(key);
    });
    inFlight.set(key, call);
    return call;
  }

  return {
    async get(key, budget) {
      const fresh = values.get(key);
      if (fresh !== undefined) {
        count('hit', budget);
        return { value: fresh, stale: false };
      }
      const joined = inFlight.get(key);
      try {
        const value = await budget.race(joined ?? shared(key, budget), () => upstream.timeout(opts.target, budget));
        count(joined ? 'hit' : 'miss', budget);
        return { value, stale: false };
      } catch (caught) {
        const failure = caught instanceof UpstreamError ? caught : upstream.unreachable(opts.target);
        const last = isNotFound(failure) ? undefined : values.get(key, { allowStale: true });
        count(last === undefined ? 'miss' : 'stale', budget);
        if (last === undefined) throw failure;
        return { value: last, stale: true };
      }
    },
    peek: (key) => values.peek(key, { allowStale: true }),
    set: (key, value) => void values.set(key, value),
    freshForMs: (key) => (values.peek(key, { allowStale: true }) === undefined
      ? undefined
      : values.getRemainingTTL(key)),
  };
}
