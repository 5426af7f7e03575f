import { LRUCache } from 'lru-cache';
import type { SeenKey } from '../sinks/types.js';
import { doneValue, outcomeOf, type DedupStore } from './types.js';

export interface MemoryStoreOptions {
  ttlSeconds: number;
  maxEntries: number;
}

const HEX_KEY = /^[0-9a-f]{64}$/;

/**
 * A SHA-256 key as its 32 raw bytes in a one-byte string: half the memory of the hex form, which
 * matters at DEDUP_MAX_ENTRIES (docs/decisions.md, "Ingestion per event").
 */
const compact = (key: string) => (HEX_KEY.test(key) ? Buffer.from(key, 'hex').toString('latin1') : key);
const compactFingerprint = (fingerprint?: string) => (fingerprint === undefined ? undefined : compact(fingerprint));

/**
 * One replica's dedup store: a bounded LRU whose entries live DEDUP_TTL_SECONDS (EventBridge
 * retries for up to 24 h). It forgets everything on restart, hence `warm`.
 */
export function createMemoryStore(opts: MemoryStoreOptions) {
  const ttl = opts.ttlSeconds * 1000;
  // 'in-progress', or a done value (types.ts) with the fingerprint in its compact form.
  const cache = new LRUCache<string, string>({ max: opts.maxEntries, ttl });
  const done = (fingerprint?: string) => doneValue(compactFingerprint(fingerprint));

  const store: DedupStore & { warm(seen: AsyncIterable<SeenKey>): Promise<number> } = {
    name: 'memory',
    async claim(key, fingerprint) {
      const k = compact(key);
      const state = cache.get(k);
      if (state) return outcomeOf(state, compactFingerprint(fingerprint));
      cache.set(k, 'in-progress');
      return 'claimed';
    },
    async commit(key, fingerprint) {
      cache.set(compact(key), done(fingerprint));
    },
    async release(key) {
      cache.delete(compact(key));
    },
    /**
     * Loads the sink's records younger than the TTL, each for the rest of its TTL, so a restart lets
     * no duplicate through.
     */
    async warm(seen) {
      let loaded = 0;
      for await (const { key, receivedAtMs, fingerprint } of seen) {
        const left = ttl - (Date.now() - receivedAtMs);
        if (left > 0) {
          cache.set(compact(key), done(fingerprint), { ttl: left });
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
