import fp from 'fastify-plugin';
import underPressure from '@fastify/under-pressure';
import { errors } from '../errors.js';

/** Health, readiness and metrics must answer when the service is busiest: that is when they matter. */
const EXEMPT = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * under-pressure averages the event-loop delay over each sample window. A window as long as the
 * tolerated delay (bounded to 10 ms..1 s) makes a stall of about that length visible at once,
 * and keeps the reaction well inside a data action's deadline.
 */
const sampleIntervalFor = (maxDelayMs: number) => (maxDelayMs > 0 ? Math.min(1000, Math.max(10, maxDelayMs)) : 1000);

/**
 * Load shedding: 503 OVERLOADED with retry-after, in the SPEC error shape, while the event loop is
 * stalled or saturated. Answering at once lets Genesys take its failure path (and EventBridge
 * retry later) instead of queueing requests that would miss their deadline anyway.
 * MAX_EVENT_LOOP_DELAY_MS=0 / MAX_EVENT_LOOP_UTILIZATION=0 turn a check off.
 */
export default fp(async (app) => {
  const { maxEventLoopDelayMs, maxEventLoopUtilization } = app.config.loadShedding;
  const sampleInterval = sampleIntervalFor(maxEventLoopDelayMs);
  // Start-up (module loading, JIT, connections) saturates the loop for a moment and says nothing
  // about load: shed only once a whole sample window has passed after ready.
  let shedFrom = Number.POSITIVE_INFINITY;
  app.addHook('onReady', async () => {
    shedFrom = Date.now() + 2 * sampleInterval;
  });
  await app.register(underPressure, {
    maxEventLoopDelay: maxEventLoopDelayMs,
    maxEventLoopUtilization,
    // Utilisation of the last window; the default (since start) would hardly move after a day.
    eventLoopUtilizationMode: 'interval',
    sampleInterval,
    exposeStatusRoute: false,
    // A rejected promise reaches the error handler, which writes the body and retry-after.
    pressureHandler: async (request) => {
      if (Date.now() >= shedFrom && !EXEMPT.has(request.routeOptions.url ?? '')) throw errors.overloaded();
    },
  });
}, { name: 'load-shedding', dependencies: ['config', 'error-handler'] });
