import type { Clock, ClockTimer } from '../../clock.js';

// Misses share bulk requests (docs/genesys-data-actions.md, "Bulk lookups and refresh-ahead").
// A miss joins the batch that is forming; the batch leaves when it is full, or when the pace allows one more
// request: at once (the same turn of the event loop, so every miss of that turn rides along)
// while the pace has room, otherwise when it next has, and never later than `maxWaitMs`, which
// is small next to a lookup's budget. The pace is a token bucket: a burst, then one request per
// `intervalMs`, so that a steady stream of misses costs a bounded number of requests a minute
// however many misses there are, and a lone miss after a quiet spell does not wait at all.

export interface Pace {
  /** One request per this many ms once the burst is spent. */
  intervalMs: number;
  /** Requests that may leave back to back after a quiet spell. */
  burst: number;
  /** The longest a miss waits for company. */
  maxWaitMs: number;
}

export interface Batcher<V> {
  /** Settles with `key`'s result from the bulk request it joins. */
  load(key: string): Promise<V>;
  /** Whether `key` is waiting for a bulk request or in one now. */
  has(key: string): boolean;
  /** Stops the timer; whoever still waits, or asks later, is told the batcher closed. */
  close(): void;
}

type Waiter<V> = { resolve: (value: V) => void; reject: (err: unknown) => void };

export function createBatcher<V>(opts: {
  clock: Clock;
  maxSize: number;
  pace: Pace;
  /** Loads a batch: a result (or the error) for every key. */
  run(keys: string[]): Promise<Map<string, V | Error>>;
}): Batcher<V> {
  const { clock, pace } = opts;
  let waiting = new Map<string, Waiter<V>[]>();
  const inFlight = new Map<string, number>();
  let tokens = pace.burst;
  let refilledAt = clock.now();
  let timer: ClockTimer | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let closed = false;

  const refill = () => {
    const now = clock.now();
    tokens = Math.min(pace.burst, tokens + (now - refilledAt) / pace.intervalMs);
    refilledAt = now;
  };
  const cancel = () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
    timer = immediate = undefined;
  };
  const schedule = () => {
    if (timer !== undefined || immediate !== undefined) return;
    refill();
    const wait = tokens >= 1 ? 0 : Math.min(pace.maxWaitMs, (1 - tokens) * pace.intervalMs);
    if (wait === 0) immediate = setImmediate(flush);
    else timer = clock.setTimeout(flush, wait);
  };

  function flush() {
    cancel();
    refill();
    tokens = Math.max(0, tokens - 1);
    const keys = [...waiting.keys()].slice(0, opts.maxSize);
    const batch = keys.map((key) => [key, waiting.get(key)!] as const);
    for (const key of keys) {
      waiting.delete(key);
      inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
    }
    if (waiting.size > 0) schedule();
    opts.run(keys).then(
      (results) => {
        for (const [key, waiters] of batch) {
          const result = results.get(key) ?? new Error(`no result for ${key}`);
          for (const w of waiters) {
            if (result instanceof Error) w.reject(result);
            else w.resolve(result);
          }
        }
      },
      (err: unknown) => { for (const [, waiters] of batch) for (const w of waiters) w.reject(err); },
    ).finally(() => {
      for (const key of keys) {
        const n = inFlight.get(key)! - 1;
        if (n === 0) inFlight.delete(key);
        else inFlight.set(key, n);
      }
    });
  }

  return {
    load(key) {
      if (closed) return Promise.reject(new Error('the user batcher closed'));
      return new Promise<V>((resolve, reject) => {
        const waiters = waiting.get(key);
        if (waiters) waiters.push({ resolve, reject });
        else waiting.set(key, [{ resolve, reject }]);
        if (waiting.size >= opts.maxSize) flush();
        else schedule();
      });
    },
    has: (key) => waiting.has(key) || inFlight.has(key),
    close() {
      closed = true;
      cancel();
      const error = new Error('the user batcher closed');
      for (const waiters of waiting.values()) for (const w of waiters) w.reject(error);
      waiting = new Map();
    },
  };
}
