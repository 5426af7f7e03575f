import type { SpanExporter } from '@opentelemetry/sdk-trace';
import fp from 'fastify-plugin';
import { startBudget } from '../http/budget.js';
import type { TraceScope, Tracing } from './types.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's tracing when it is on (OTEL_* variables, docs/operations.md, "Tracing"); undefined when off. */
    tracing: Tracing | undefined;
  }
  interface FastifyRequest {
    /** The request's span when it is traced: the parent of its sources' spans. */
    trace: TraceScope | undefined;
  }
}

/** How long closing waits for the last spans to be exported. */
const FLUSH_AT_CLOSE_MS = 2000;

/**
 * Tracing, opt-in (docs/operations.md, "Tracing"): off, nothing of OpenTelemetry is loaded and every `trace` is
 * undefined. On, the app's own tracer provider is built here, before the routes it instruments,
 * and flushed and shut down when the app closes.
 */
export default fp(async (app, opts: { exporter?: SpanExporter }) => {
  app.decorateRequest('trace', undefined);
  const settings = app.config.tracing;
  if (!settings.enabled && opts.exporter === undefined) {
    app.decorate('tracing', undefined);
    return;
  }
  const { startTracing } = await import('./sdk.js');
  const started = startTracing(settings, {
    exporter: opts.exporter, log: app.log, maxLinks: app.config.ingest.batchMaxSize,
  });
  app.decorate('tracing', started.tracing);
  // Added before every other plugin's, this onClose hook runs after theirs: the spans of the
  // batches written during the drain are ended by the time the provider flushes. A collector that
  // does not answer must not hold the process past SHUTDOWN_TIMEOUT_MS: what is left is dropped.
  app.addHook('onClose', async () => {
    const budget = startBudget(FLUSH_AT_CLOSE_MS, app.clock);
    try {
      const late = () => new Error(`the exporter did not finish within ${FLUSH_AT_CLOSE_MS} ms`);
      await budget.race(started.shutdown(), late);
    } catch (err) {
      app.log.warn({ err }, 'spans not exported at close are dropped');
    } finally {
      budget.release();
    }
  });
  await app.register(started.plugin);
}, { name: 'tracing', dependencies: ['config'] });
