// The Platform API limit of one OAuth client: at most `limit` requests in any 60 s (Genesys'
// `client.credentials.token.rate.per.minute`, 300 by default); past it 429 with Retry-After until
// the oldest request of the window leaves it. Off (limit 0) unless configured, so other tests see
// no limit. While on, it also records what it received, for the benchmark's per-window count.

const WINDOW_MS = 60_000;

export interface RateLimitStats {
  /** The enforced limit per 60 s; 0 when off. */
  limit: number;
  /** Authenticated Platform API requests received while the limit was on, answered 429 or not. */
  received: number;
  /** Of those, answered 429. */
  throttled: number;
  /** The most requests received in any 60 s window. */
  maxPerWindow: number;
}

/** Arrival times in order, dropped once older than the window (a queue with a moving head). */
class Window {
  private times: number[] = [];
  private head = 0;

  count(now: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= now - WINDOW_MS) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  oldest(): number | undefined {
    return this.times[this.head];
  }

  add(now: number): void {
    this.times.push(now);
  }
}

export class ApiRateLimit {
  private accepted = new Window();
  private arrivals = new Window();
  private stats: RateLimitStats = { limit: 0, received: 0, throttled: 0, maxPerWindow: 0 };

  setLimit(limit: number): void {
    this.reset();
    this.stats.limit = limit;
  }

  /** Forgets the window and the counts, keeps the limit. */
  reset(): void {
    this.accepted = new Window();
    this.arrivals = new Window();
    this.stats = { limit: this.stats.limit, received: 0, throttled: 0, maxPerWindow: 0 };
  }

  /** Counts one request; undefined when it may go on, else the Retry-After in seconds. */
  admit(now = Date.now()): number | undefined {
    const { limit } = this.stats;
    if (limit === 0) return undefined;
    this.stats.received += 1;
    this.arrivals.add(now);
    this.stats.maxPerWindow = Math.max(this.stats.maxPerWindow, this.arrivals.count(now));
    if (this.accepted.count(now) < limit) {
      this.accepted.add(now);
      return undefined;
    }
    this.stats.throttled += 1;
    return Math.max(1, Math.ceil((this.accepted.oldest()! + WINDOW_MS - now) / 1000));
  }

  snapshot(): RateLimitStats {
    return { ...this.stats };
  }
}
