import type { FastifyBaseLogger } from 'fastify';
import { errors } from '../errors.js';
import { startBudget } from '../http/budget.js';
import type { Clock } from '../clock.js';
import type { Metrics } from '../metrics.js';
import type { GroupCommit, Rider } from './batcher.js';
import type { ReceivedEvent } from './body.js';
import { Claims, type Claim, type Status } from './claims.js';
import type { DedupStore } from './dedup/types.js';
import { toRecord } from './record.js';
import type { EventResult, IngestResponse } from './schemas.js';
import type { EventRecord } from './sinks/types.js';

export interface IngestDeps {
  store: DedupStore;
  /** Resolves with what the sink did with the record (accepted, or already held: duplicate or reused). */
  batcher: GroupCommit<EventRecord, Status>;
  metrics: Metrics;
  log: FastifyBaseLogger;
  /** INGEST_QUEUE_MAX: events admitted and not yet written. */
  queueMax: number;
  /** When the answer is due, from the request's arrival (before EventBridge's 5 s timeout). */
  answerWithinMs: number;
  /** The app's clock: the answer's deadline runs on it. */
  clock: Clock;
}

export interface IngestOptions {
  idempotencyKey?: string;
  isArray: boolean;
  /** Time since the request arrived. */
  elapsedMs?: number;
  /** The request as its events' batches see it: they note their ids on it and link its span. */
  rider?: Rider;
}

const isReused = (claim?: Claim) => claim?.kind === 'known' && claim.status === 'reused';

const REUSED = 'was used before for a different event';
/** The 422 names the events whose key holds another payload: by index in an array, else the header. */
const reusedError = (indexes: number[], isArray: boolean) => errors.idempotencyKeyReused(isArray
  ? Object.fromEntries(indexes.map((i) => [String(i), `its Idempotency-Key ${REUSED}`]))
  : { 'idempotency-key': REUSED });

/** EventBridge delivers at least once; this turns it into exactly-once storage (docs/contract.md §3). */
export class EventIngestor {
  private readonly claims: Claims;
  private admitted = 0;

  constructor(private readonly deps: IngestDeps) {
    this.claims = new Claims(deps.store, deps.log);
  }

  /** Stores every event once and answers only when all of them are durable, before EventBridge's 5 s timeout. */
  async ingest(received: ReceivedEvent[], opts: IngestOptions): Promise<IngestResponse> {
    const { metrics } = this.deps;
    const { idempotencyKey, isArray } = opts;
    const admission = { receivedAt: new Date(this.deps.clock.wallNow()).toISOString(), idempotencyKey, isArray };
    const records = received.map((r, i) => toRecord(r, i, admission));
    const stored = this.queued(records.length, () => this.storeAll(records, opts.rider));
    const outcomes = await this.answerBy(stored, this.deps.answerWithinMs - (opts.elapsedMs ?? 0), records.length);
    const statuses = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : undefined));
    for (const s of statuses) metrics.ingestEvents.inc({ result: s ?? 'rejected' });
    const reused = statuses.flatMap((s, i) => (s === 'reused' ? [i] : []));
    if (reused.length > 0) throw reusedError(reused, isArray);
    // Events of the request that were stored are duplicates on the retry; the rest get stored then.
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
    const results = records.map((r, i) => ({ id: r.id, status: statuses[i] as EventResult['status'] }));
    const accepted = results.filter((r) => r.status === 'accepted').length;
    return { accepted, duplicates: results.length - accepted, results };
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
   * Every event is claimed before any is written, so a reused Idempotency-Key refuses its whole
   * request with nothing stored (docs/eventbridge.md).
   */
  private async storeAll(records: EventRecord[], rider?: Rider): Promise<PromiseSettledResult<Status>[]> {
    const claims = await Promise.allSettled(records.map((r) => this.claims.claim(r)));
    const held = claims.map((c) => (c.status === 'fulfilled' ? c.value : undefined));
    if (!held.some(isReused)) return Promise.allSettled(claims.map((c, i) => this.complete(c, records[i]!, rider)));
    // A twin waiting on a claim given up here is told to retry.
    const notWritten = errors.inProgressElsewhere();
    await Promise.all(held.map((c) => (c?.kind === 'owned' ? c.settle({ error: notWritten }) : undefined)));
    const refused: PromiseSettledResult<Status> = { status: 'rejected', reason: notWritten };
    return held.map((c) => (isReused(c) ? { status: 'fulfilled', value: 'reused' } : refused));
  }

  private async complete(claimed: PromiseSettledResult<Claim>, record: EventRecord, rider?: Rider): Promise<Status> {
    if (claimed.status === 'rejected') throw claimed.reason;
    const claim = claimed.value;
    if (claim.kind === 'known') return claim.status;
    if (claim.kind === 'twin') return (await claim.outcome) === 'reused' ? 'reused' : 'duplicate';
    let status: Status;
    try {
      status = await this.deps.batcher.add(record, rider);
    } catch {
      const unavailable = errors.sinkUnavailable();
      await claim.settle({ error: unavailable });
      throw unavailable;
    }
    await claim.settle({ status });
    return status;
  }

  /**
   * EventBridge gives up on an answer after 5 s and sends the event again. A write still running
   * then (a slow sink, a long queue) is answered 503 in time instead: nothing was acknowledged,
   * the write goes on, and the redelivery finds the event stored (duplicate) or still being
   * written (it waits for that write, or gets 429 from another replica).
   */
  private async answerBy<T>(work: Promise<T>, ms: number, count: number): Promise<T> {
    const deadline = startBudget(ms, this.deps.clock);
    try {
      return await deadline.race(work, () => {
        this.deps.metrics.ingestEvents.inc({ result: 'late' }, count);
        return errors.sinkTimeout();
      });
    } finally {
      deadline.release();
    }
  }
}
