import { LRUCache } from 'lru-cache';
import type { SeenKey } from '../sinks/types.js';
import type { DedupStore } from './types.js';

export interface MemoryStoreOptions {
  ttlSeconds: number;
  maxEntries: number;
}

/**
 * One replica's dedup store: a bounded LRU whose entries live DEDUP_TTL_SECONDS (EventBridge
 * retries for up to 24 h). It forgets everything on restart, hence `warm`.
 */
export function createMemoryStore(opts: MemoryStoreOptions) {
  const ttl = opts.ttlSeconds * 1000;
  const cache = new LRUCache<string, 'in-progress' | 'done'>({ max: opts.maxEntries, ttl });

  const store: DedupStore & { warm(seen: AsyncIterable<SeenKey>): Promise<number> } = {
    name: 'memory',
    async claim(key) {
      const state = cache.get(key);
      if (state) return state === 'done' ? 'done' : 'busy';
      cache.set(key, 'in-progress');
      return 'claimed';
    },
    async commit(key) {
      cache.set(key, 'done');
    },
    async release(key) {
      cache.delete(key);
    },
    /** Loads the sink's records younger than the TTL, each for the rest of its TTL, so a restart lets no duplicate through. */
    async warm(seen) {
      let loaded = 0;
      for await (const { key, receivedAtMs } of seen) {
        const left = ttl - (Date.now() - receivedAtMs);
        if (left > 0) {
          cache.set(key, 'done', { ttl: left });
          loaded++;
        }
      }
      return loaded;
    },
    async check() {},
    async close() {
      cache.clear();
    },
  };
  return store;
}
