import { randomBytes } from 'node:crypto';
import type { SpanContext } from '@opentelemetry/api';
import type { Metrics } from '../metrics.js';

export interface BatcherOptions {
  maxSize: number;
  /** How long an idle sink waits for more items before writing (BATCH_MAX_WAIT_MS). */
  maxWaitMs: number;
}

/** A request whose items ride in batches: each batch notes its id here and links the request's span. */
export interface Rider {
  /** The ids of the batches that carried its items, in order. */
  readonly batches: string[];
  /** The request's span, when it is traced. */
  readonly span?: SpanContext;
}

/** One write: its id (in the logs and on its span) and the requests whose items it carries, once each. */
export interface Batch {
  id: string;
  riders: Rider[];
}

interface Waiter<T, R> {
  item: T;
  rider?: Rider;
  resolve: (r: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit (docs/contract.md §3): one write at a time; when the sink is idle a batch is written at once
 * (or after the optional linger), and while a write is in flight the next batch accumulates and
 * is written as soon as that write ends. Throughput grows with load instead of being capped by
 * a timer, and each caller is answered only when the batch holding its item is durable.
 */
export class GroupCommit<T, R> {
  private pending: Waiter<T, R>[] = [];
  private writing: Promise<void> | undefined;
  private linger: NodeJS.Timeout | undefined;

  constructor(
    /** Writes a batch; resolves with one result per item, in order. */
    private readonly write: (items: T[], batch: Batch) => Promise<R[]>,
    private readonly opts: BatcherOptions,
    private readonly metrics: Metrics,
  ) {}

  get size() {
    return this.pending.length;
  }

  add(item: T, rider?: Rider): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, rider, resolve, reject });
      this.metrics.pendingQueue.set(this.pending.length);
      this.kick();
    });
  }

  /** Resolves once everything added so far has been written (or has failed). */
  async drain(): Promise<void> {
    while (this.pending.length > 0 || this.writing) {
      if (this.linger) this.flushNow();
      await this.writing;
    }
  }

  private kick() {
    if (this.writing || this.pending.length === 0) return;
    if (this.pending.length >= this.opts.maxSize || this.opts.maxWaitMs === 0) return this.flushNow();
    this.linger ??= setTimeout(() => this.flushNow(), this.opts.maxWaitMs);
  }

  private flushNow() {
    clearTimeout(this.linger);
    this.linger = undefined;
    if (this.writing || this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.opts.maxSize);
    this.metrics.pendingQueue.set(this.pending.length);
    this.metrics.batchSize.observe(batch.length);
    const id = randomBytes(8).toString('hex');
    const riders = new Set<Rider>();
    for (const w of batch) if (w.rider) riders.add(w.rider);
    for (const r of riders) r.batches.push(id);
    this.writing = this.write(batch.map((w) => w.item), { id, riders: [...riders] }).then(
      (results) => batch.forEach((w, i) => w.resolve(results[i]!)),
      (err: unknown) => batch.forEach((w) => w.reject(err)),
    ).finally(() => {
      this.writing = undefined;
      // Whatever accumulated during the write goes out now: no timer on a busy sink.
      if (this.pending.length > 0) this.flushNow();
    });
  }
}
