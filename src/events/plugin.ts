import { getHeapStatistics } from 'node:v8';
import type { FastifyInstance } from 'fastify';
import { GroupCommit } from './batcher.js';
import type { Status } from './claims.js';
import { createMemoryStore } from './dedup/memory.js';
import { isReuse, type DedupStore } from './dedup/types.js';
import { EventIngestor } from './ingest.js';
import { eventRoutes } from './routes.js';
import { createSink, type EventRecord, type Sink } from './sinks/index.js';

// What the memory store costs per key and the app's own heap, with a margin (docs/decisions.md,
// "Ingestion per event").
const HEAP_PER_KEY = 100;
const HEAP_BASE = 128 * 1024 * 1024;

/**
 * A heap cap (NODE_OPTIONS=--max-old-space-size) too small for the store ends in an out-of-memory
 * crash: say so at start.
 */
function warnIfHeapTooSmall(app: FastifyInstance, maxEntries: number) {
  const limit = getHeapStatistics().heap_size_limit;
  const need = HEAP_BASE + maxEntries * HEAP_PER_KEY;
  if (limit < need) {
    app.log.warn({
      heapLimitMB: Math.round(limit / 2 ** 20),
      neededMB: Math.round(need / 2 ** 20),
      dedupMaxEntries: maxEntries,
    }, 'the V8 heap limit is small for DEDUP_MAX_ENTRIES: raise --max-old-space-size in NODE_OPTIONS, '
      + 'lower DEDUP_MAX_ENTRIES or set REDIS_URL');
  }
}

/** EventBridge API destinations time out after 5 s; the answer leaves a margin for the network. */
const ANSWER_WITHIN_MS = 4500;

/** The store REDIS_URL selects; the memory one is warmed from the sink so a restart lets no duplicate through. */
async function createStore(app: FastifyInstance, sink: Sink): Promise<DedupStore> {
  const { dedup, redisUrl } = app.config;
  if (redisUrl) {
    // ioredis is loaded only with REDIS_URL (docs/decisions.md, "Loaded when used").
    const { createRedisStore } = await import('./dedup/redis.js');
    return createRedisStore({ url: redisUrl, ttlSeconds: dedup.ttlSeconds, log: app.log });
  }
  warnIfHeapTooSmall(app, dedup.maxEntries);
  const store = createMemoryStore(dedup);
  const loaded = await store.warm(sink.recent(Date.now() - dedup.ttlSeconds * 1000, dedup.maxEntries));
  app.log.info({ loaded, sink: sink.name }, 'dedup store warmed from the sink');
  return store;
}

/** The EventBridge receiver (docs/contract.md §3): sink, dedup store and batcher, built here and closed in onClose. */
export default async function events(app: FastifyInstance) {
  const { ingest } = app.config;
  const { metrics } = app;
  metrics.queueMax.set(ingest.queueMax);
  const sink = await createSink(app.config, { log: app.log, metrics, clock: app.clock });
  const store = await createStore(app, sink).catch(async (err: unknown) => {
    await sink.close();
    throw err;
  });

  const batcher = new GroupCommit<EventRecord, Status>(async (records, batch) => {
    // Its own trace, linked to the request spans it carries (docs/operations.md, "Tracing").
    const span = app.tracing?.batch(
      { 'gdas.batch.id': batch.id, 'gdas.sink': sink.name, 'gdas.batch.events': records.length },
      batch.riders.flatMap((r) => (r.span ? [r.span] : [])),
    );
    const end = metrics.sinkLatency.startTimer({ sink: sink.name });
    try {
      const held = await sink.write(records);
      end({ outcome: 'ok' });
      const statuses = records.map((r): Status => {
        if (!held.has(r.key)) return 'accepted';
        return isReuse(held.get(r.key), r.fingerprint) ? 'reused' : 'duplicate';
      });
      if (span) {
        const accepted = statuses.filter((s) => s === 'accepted').length;
        span.setAttributes({ 'gdas.batch.accepted': accepted, 'gdas.batch.duplicates': statuses.length - accepted });
        span.end();
      }
      return statuses;
    } catch (err) {
      end({ outcome: 'error' });
      span?.end('sink write failed');
      app.log.error({ err, sink: sink.name, events: records.length, batch: batch.id }, 'sink write failed');
      throw err;
    }
  }, { maxSize: ingest.batchMaxSize, maxWaitMs: ingest.batchMaxWaitMs }, metrics);

  // Runs after the server stopped taking requests (lifecycle answers 503): what is pending is
  // written and answered before the sink closes (docs/contract.md §3, shutdown).
  app.addHook('onClose', async () => {
    await batcher.drain();
    await Promise.allSettled([sink.close(), store.close()]);
  });

  app.readiness.register('sink', () => sink.check());
  app.readiness.register('dedup-store', () => store.check());

  const ingestor = new EventIngestor({
    store,
    batcher,
    metrics,
    log: app.log,
    queueMax: ingest.queueMax,
    answerWithinMs: ANSWER_WITHIN_MS,
    clock: app.clock,
  });
  await app.register(eventRoutes, { ingestor });
}
