import { createHash } from 'node:crypto';
import { startBudget } from '../../http/budget.js';
import type { Clock } from '../../clock.js';
import { createHttpClient } from '../../http/client.js';
import type { Metrics } from '../../metrics.js';
import type { Sink } from './types.js';

export interface HttpSinkOptions {
  url: string;
  /** INGEST_HTTP_TIMEOUT_MS: every attempt and backoff together, well under EventBridge's 5 s. */
  budgetMs: number;
  metrics: Metrics;
  clock: Clock;
}

// Backoff of the data-action transport (Retry-After honoured); the budget ends it first.
const RETRY = { attempts: 4, baseMs: 100, maxMs: 1000 };
/** A collector cannot be probed without writing: readiness reports a write failure this recent. */
const UNHEALTHY_FOR_MS = 10_000;

/**
 * HTTP sink (docs/contract.md §3): one JSON POST `{events: [{key, id, receivedAt, fingerprint?, event}]}`
 * per batch, made of the records' lines, through the retrying transport; a 2xx means durable. The
 * batch's Idempotency-Key (a hash of its dedup keys) and each record's `key` let the collector drop
 * a batch we retried after a lost answer.
 */
export function createHttpSink(opts: HttpSinkOptions): Sink {
  const client = createHttpClient({ metrics: opts.metrics });
  let lastFailure: { at: number; message: string } | undefined;

  return {
    name: 'http',
    async write(records) {
      const batchKey = createHash('sha256').update(records.map((r) => r.key).join(',')).digest('hex');
      const budget = startBudget(opts.budgetMs, opts.clock);
      try {
        await client.requestJson({
          target: 'ingest-collector',
          method: 'POST',
          url: opts.url,
          headers: { 'idempotency-key': batchKey },
          json: `{"events":[${records.map((r) => r.line).join(',')}]}`,
          retry: RETRY,
          retryAllFailures: true,
          budget,
        });
      } catch (err) {
        lastFailure = { at: Date.now(), message: (err as Error).message };
        throw err;
      } finally {
        budget.release();
      }
      lastFailure = undefined;
      return new Map();
    },
    // The collector keeps what it received; there is nothing to read back on start.
    async *recent() {
      yield* [];
    },
    async check() {
      if (lastFailure && Date.now() - lastFailure.at < UNHEALTHY_FOR_MS) throw new Error(lastFailure.message);
    },
    close: () => client.close(),
  };
}
