import { LRUCache } from 'lru-cache';
import type { SeenKey } from '../sinks/types.js';
import type { DedupStore } from './types.js';

export interface MemoryStoreOptions {
  ttlSeconds: number;
  maxEntries: number;
}

const HEX_KEY = /^[0-9a-f]{64}$/;

/**
 * A SHA-256 key as its 32 raw bytes in a one-byte string: half the memory of the hex form, which
 * matters at DEDUP_MAX_ENTRIES (500,000 by default; bench/ memory scenario).
 */
const compact = (key: string) => (HEX_KEY.test(key) ? Buffer.from(key, 'hex').toString('latin1') : key);

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
      const k = compact(key);
      const state = cache.get(k);
      if (state) return state === 'done' ? 'done' : 'busy';
      cache.set(k, 'in-progress');
      return 'claimed';
    },
    async commit(key) {
      cache.set(compact(key), 'done');
    },
    async release(key) {
      cache.delete(compact(key));
    },
    /** Loads the sink's records younger than the TTL, each for the rest of its TTL, so a restart lets no duplicate through. */
    async warm(seen) {
      let loaded = 0;
      for await (const { key, receivedAtMs } of seen) {
        const left = ttl - (Date.now() - receivedAtMs);
        if (left > 0) {
          cache.set(compact(key), 'done', { ttl: left });
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
