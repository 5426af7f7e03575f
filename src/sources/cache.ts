import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import { startBudget, type Budget } from '../http/budget.js';
import { upstream, UpstreamError } from '../http/errors.js';
import type { Metrics } from '../metrics.js';
import type { CacheResult, TraceScope } from '../tracing/types.js';
import type { Cached } from './definition.js';

// A read-through cache for one backend: lru-cache's fetch() coalesces concurrent lookups of one
// key into one backend call.
// Stale-if-error: `ttl` marks an entry stale but does not remove it (no ttlAutopurge), and
// `noDeleteOnFetchRejection` keeps it when the refresh fails, so the last value can still be
// served, flagged `stale`. `allowStaleOnFetchRejection` is not used: on a miss it resolves
// undefined and hides the error, which we need for the source status. Old entries leave by LRU.

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

/** What a backend call started by the cache knows of its first caller: the span it belongs to. */
interface FetchContext {
  trace?: TraceScope;
}
const UNTRACED: FetchContext = {};

/** A 404 is an answer, not a failure: serving the old record then would resurrect a deleted one. */
const isNotFound = (err: unknown) => err instanceof UpstreamError && err.code === 'UPSTREAM_NOT_FOUND';

export function createReadThroughCache<V extends object>(opts: CacheOptions<V>): ReadThroughCache<V> {
  const cache = new LRUCache<string, V, FetchContext>({
    max: opts.max,
    // lru-cache reads ttl 0 as "never expires"; 1 ms is the nearest to "always ask the backend".
    ttl: Math.max(1, opts.ttlMs),
    // Every TTL check reads the app's clock (lru-cache would otherwise reuse a reading for 1 ms).
    perf: opts.clock,
    ttlResolution: 0,
    noDeleteOnFetchRejection: true,
    // Coalesced callers share this call, so it has its own budget: a caller that joins late is
    // not cut short by the first caller's deadline, and the answer still fills the cache.
    // lru-cache's signal fires when the entry is evicted or deleted mid-call. Traced, the call is
    // a span of the caller that started it.
    fetchMethod: (key, _stale, { signal, context }) => {
      const budget = startBudget(opts.timeoutMs, opts.clock, signal, context.trace);
      return opts.load(key, budget).finally(() => budget.release());
    },
  });
  const count = (result: CacheResult, budget: Budget) => {
    opts.metrics.cache.inc({ cache: opts.name, result });
    if (budget.trace) budget.trace.cache = result;
  };

  return {
    async get(key, budget) {
      const status: LRUCache.Status<string, V, FetchContext> = {};
      try {
        const fetched = cache.fetch(key, { status, context: budget.trace ? { trace: budget.trace } : UNTRACED });
        const value = await budget.race(fetched, () => upstream.timeout(opts.target, budget));
        if (value === undefined) throw upstream.unreachable(opts.target);
        count(status.fetch === 'hit' || status.fetch === 'inflight' ? 'hit' : 'miss', budget);
        return { value, stale: false };
      } catch (caught) {
        let err = caught;
        // lru-cache rejects a call whose entry was evicted meanwhile (a full cache) with a plain
        // Error: the backend was never asked, so ask it now, uncached, under this caller's budget.
        if (!(err instanceof UpstreamError) && !budget.signal.aborted) {
          try {
            const value = await opts.load(key, budget);
            count('miss', budget);
            return { value, stale: false };
          } catch (direct) {
            err = direct;
          }
        }
        const failure = err instanceof UpstreamError ? err : upstream.unreachable(opts.target);
        if (isNotFound(failure)) cache.delete(key);
        const last = isNotFound(failure) ? undefined : cache.get(key, { allowStale: true, noDeleteOnStaleGet: true });
        count(last === undefined ? 'miss' : 'stale', budget);
        if (last === undefined) throw failure;
        return { value: last, stale: true };
      }
    },
    peek: (key) => cache.peek(key, { allowStale: true }),
    set: (key, value) => void cache.set(key, value),
    freshForMs: (key) => (cache.peek(key, { allowStale: true }) === undefined ? undefined : cache.getRemainingTTL(key)),
  };
}
