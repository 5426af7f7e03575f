import { LRUCache } from 'lru-cache';
import type { Budget } from '../http/budget.js';
import type { Metrics } from '../metrics.js';
import { upstream, UpstreamError } from '../http/errors.js';

// A read-through cache for one backend: lru-cache's fetch() coalesces concurrent lookups of one
// key into one backend call (Genesys allows ~300 requests per minute per token, SPEC §3).
// Stale-if-error: `ttl` marks an entry stale but does not remove it (no ttlAutopurge), and
// `noDeleteOnFetchRejection` keeps it when the refresh fails, so the last value can still be
// served, flagged `stale`. `allowStaleOnFetchRejection` is not used: on a miss it resolves
// undefined and hides the error, which we need for the source status. Old entries leave by LRU.

export interface Cached<V> {
  value: V;
  stale: boolean;
}

export interface ReadThroughCache<V> {
  /** The lookup that starts a backend call runs it under its caller's budget. */
  get(key: string, budget: Budget): Promise<Cached<V>>;
}

export interface CacheOptions<V> {
  name: string;
  ttlMs: number;
  max: number;
  metrics: Metrics;
  load: (key: string, budget: Budget) => Promise<V>;
}

/** A 404 is an answer, not a failure: serving the old record then would resurrect a deleted one. */
const servesStale = (err: unknown) => err instanceof UpstreamError && err.code !== 'UPSTREAM_NOT_FOUND';

export function createReadThroughCache<V extends object>(opts: CacheOptions<V>): ReadThroughCache<V> {
  const cache = new LRUCache<string, V, Budget>({
    max: opts.max,
    // lru-cache reads ttl 0 as "never expires"; 1 ms is the nearest to "always ask the backend".
    ttl: Math.max(1, opts.ttlMs),
    noDeleteOnFetchRejection: true,
    fetchMethod: (key, _stale, { context }) => opts.load(key, context),
  });
  const count = (result: 'hit' | 'miss' | 'stale') => opts.metrics.cache.inc({ cache: opts.name, result });

  return {
    async get(key, budget) {
      const status: LRUCache.Status<string, V, Budget> = {};
      try {
        const value = await cache.fetch(key, { context: budget, status });
        if (value === undefined) throw upstream.unreachable(opts.name);
        return { value, stale: false };
      } catch (err) {
        const last = servesStale(err) ? cache.get(key, { allowStale: true, noDeleteOnStaleGet: true }) : undefined;
        if (last === undefined) {
          cache.delete(key);
          throw err;
        }
        count('stale');
        return { value: last, stale: true };
      } finally {
        // A coalesced ('inflight') lookup cost no backend call either.
        count(status.fetch === 'hit' || status.fetch === 'inflight' ? 'hit' : 'miss');
      }
    },
  };
}
