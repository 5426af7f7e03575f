import type { FastifyBaseLogger } from 'fastify';
import { errors } from '../errors.js';
import { startBudget } from '../http/budget.js';
import { systemClock } from '../clock.js';
import type { Metrics } from '../metrics.js';
import type { GroupCommit } from './batcher.js';
import type { ReceivedEvent } from './body.js';
import type { DedupStore } from './dedup/types.js';
import { toRecord } from './record.js';
import type { EventResult, IngestResponse } from './schemas.js';
import type { EventRecord } from './sinks/types.js';

type Status = EventResult['status'];

export interface IngestDeps {
  store: DedupStore;
  /** Resolves true when the sink already held the record (it enforces uniqueness itself). */
  batcher: GroupCommit<EventRecord, boolean>;
  metrics: Metrics;
  log: FastifyBaseLogger;
  /** INGEST_QUEUE_MAX: events admitted and not yet written. */
  queueMax: number;
  /** When the answer is due, from the request's arrival (before EventBridge's 5 s timeout). */
  answerWithinMs: number;
}

export interface IngestOptions {
  idempotencyKey?: string;
  isArray: boolean;
  /** Time since the request arrived. */
  elapsedMs?: number;
}

/** EventBridge delivers at least once; this turns it into exactly-once storage (SPEC §4). */
export class EventIngestor {
  private readonly inFlight = new Map<string, Promise<Status>>();
  private admitted = 0;

  constructor(private readonly deps: IngestDeps) {}

  /** Stores every event once and answers only when all of them are durable, before EventBridge's 5 s timeout. */
  async ingest(received: ReceivedEvent[], opts: IngestOptions): Promise<IngestResponse> {
    const { metrics } = this.deps;
    const { idempotencyKey, isArray } = opts;
    const admission = { receivedAt: new Date().toISOString(), idempotencyKey, isArray };
    const records = received.map((r, i) => toRecord(r, i, admission));
    const stored = this.queued(records.length, () => Promise.allSettled(records.map((r) => this.storeOnce(r))));
    const outcomes = await this.answerBy(stored, this.deps.answerWithinMs - (opts.elapsedMs ?? 0), records.length);
    const statusOf = (o: PromiseSettledResult<Status>) => (o.status === 'fulfilled' ? o.value : undefined);
    const results = outcomes.map((o, i) => ({ id: records[i]!.id, status: statusOf(o) }));
    for (const r of results) metrics.ingestEvents.inc({ result: r.status ?? 'rejected' });
    // Events of the request that were stored are duplicates on the retry; the rest get stored then.
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
    const accepted = results.filter((r) => r.status === 'accepted').length;
    return { accepted, duplicates: results.length - accepted, results: results as EventResult[] };
  }

  /**
   * Backpressure: a bounded queue, then 429 (EventBridge retries it), never an unbounded buffer.
   * Events count until their writes are over, not until the answer (a 503 sent at the answer
   * deadline leaves them queued), and on every path out, a throw included.
   */
  private async queued<T>(count: number, work: () => Promise<T>): Promise<T> {
    if (this.admitted + count > this.deps.queueMax) {
      this.deps.metrics.ingestEvents.inc({ result: 'rejected' }, count);
      throw errors.queueFull();
    }
    this.admitted += count;
    try {
      return await work();
    } finally {
      this.admitted -= count;
    }
  }

  /**
   * EventBridge gives up on an answer after 5 s and sends the event again. A write still running
   * then (a slow sink, a long queue) is answered 503 in time instead: nothing was acknowledged,
   * the write goes on, and the redelivery finds the event stored (duplicate) or still being
   * written (it waits for that write, or gets 429 from another replica).
   */
  private async answerBy<T>(work: Promise<T>, ms: number, count: number): Promise<T> {
    const deadline = startBudget(ms, systemClock);
    try {
      return await deadline.race(work, () => {
        this.deps.metrics.ingestEvents.inc({ result: 'late' }, count);
        return errors.sinkTimeout();
      });
    } finally {
      deadline.release();
    }
  }

  private storeOnce(record: EventRecord): Promise<Status> {
    // A twin being written by this process: wait for its outcome instead of writing it twice.
    const twin = this.inFlight.get(record.key);
    if (twin) return twin.then(() => 'duplicate');
    const attempt = this.claimAndWrite(record);
    this.inFlight.set(record.key, attempt);
    return attempt.finally(() => this.inFlight.delete(record.key));
  }

  private async claimAndWrite(record: EventRecord): Promise<Status> {
    const { store, batcher, log } = this.deps;
    let claim;
    try {
      claim = await store.claim(record.key);
    } catch (err) {
      log.warn({ err, store: store.name }, 'dedup store unavailable');
      throw errors.dedupUnavailable();
    }
    if (claim === 'done') return 'duplicate';
    if (claim === 'busy') throw errors.inProgressElsewhere();

    let alreadyStored: boolean;
    try {
      alreadyStored = await batcher.add(record);
    } catch {
      // Released so that EventBridge's retry of this event is stored, not taken for a duplicate.
      await store.release(record.key).catch((err: unknown) => log.warn({ err }, 'dedup store: release failed, the claim will expire'));
      throw errors.sinkUnavailable();
    }
    // The event is durable, so it is acknowledged even if marking it done fails: at worst a
    // later redelivery is written again (and the PostgreSQL sink still keeps it once).
    await store.commit(record.key).catch((err: unknown) => log.warn({ err }, 'dedup store: marking an event done failed'));
    return alreadyStored ? 'duplicate' : 'accepted';
  }
}
