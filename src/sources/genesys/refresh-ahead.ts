import type { Clock, ClockTimer } from '../../clock.js';
import type { Metrics } from '../../metrics.js';
import { MAX_BULK_IDS } from './api.js';

// Refresh-ahead (docs/genesys-data-actions.md, "Bulk lookups and refresh-ahead"): the users
// looked up within USER_KEEP_WARM_MS are refreshed in bulk shortly before USER_CACHE_TTL_MS runs out, so a data
// action finds its agent in memory and fresh, and the requests grow with the number of active
// agents divided by 100 per TTL, not with the number of calls. A tick looks at the kept-warm
// users every `tickMs`; those with less than `leadMs` of freshness left (a tick plus the time a
// request may take) go out together, the most urgent first, up to 100 per request. One tick runs
// at a time; what the budget or Genesys refuses waits for the next tick.

export interface RefreshAheadOptions {
  clock: Clock;
  metrics: Metrics;
  keepWarmMs: number;
  tickMs: number;
  leadMs: number;
  /** The most users kept warm (the cache's bound). */
  max: number;
  /** Ms of freshness the user's entry has left (negative once stale); undefined: nothing to refresh. */
  freshForMs(id: string): number | undefined;
  /** Whether a lookup is loading the user now (its answer will land anyway). */
  loading(id: string): boolean;
  /** Refreshes up to 100 users with one request; rejects when it could not. */
  refresh(ids: string[]): Promise<void>;
  /** Called at every tick, before the refreshes. */
  onTick(): void;
}

export interface RefreshAhead {
  /** Notes a lookup of `id`: it is kept warm for USER_KEEP_WARM_MS from now. */
  touch(id: string): void;
  close(): void;
}

export function createRefreshAhead(opts: RefreshAheadOptions): RefreshAhead {
  const { clock, metrics } = opts;
  // Insertion order is lookup order (touch re-inserts), so the oldest lookups come first.
  const lastUsed = new Map<string, number>();
  let timer: ClockTimer | undefined;
  let closed = false;

  /** The users due for a refresh, most urgent first; sets the lag gauge on the way. */
  function due(now: number): string[] {
    for (const [id, at] of lastUsed) {
      if (at > now - opts.keepWarmMs) break;
      lastUsed.delete(id);
    }
    let lag = 0;
    const found: { id: string; fresh: number }[] = [];
    for (const id of lastUsed.keys()) {
      const fresh = opts.freshForMs(id);
      if (fresh === undefined) {
        lastUsed.delete(id);
        continue;
      }
      lag = Math.max(lag, -fresh);
      if (fresh <= opts.leadMs && !opts.loading(id)) found.push({ id, fresh });
    }
    metrics.genesysRefreshLag.set(lag / 1000);
    return found.sort((a, b) => a.fresh - b.fresh).map((d) => d.id);
  }

  async function tick() {
    opts.onTick();
    const ids = due(clock.now());
    for (let i = 0; i < ids.length && !closed; i += MAX_BULK_IDS) {
      const refreshed = await opts.refresh(ids.slice(i, i + MAX_BULK_IDS)).then(() => true, () => false);
      if (!refreshed) break;
    }
    if (!closed) timer = clock.setTimeout(() => void tick(), opts.tickMs);
  }
  timer = clock.setTimeout(() => void tick(), opts.tickMs);

  return {
    touch(id) {
      lastUsed.delete(id);
      lastUsed.set(id, clock.now());
      if (lastUsed.size > opts.max) lastUsed.delete(lastUsed.keys().next().value!);
    },
    close() {
      closed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
    },
  };
}
