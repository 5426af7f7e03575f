import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import fp from 'fastify-plugin';
import { errors } from '../errors.js';


/** Granularity of the event-loop delay histogram; its mean overstates the delay by about this much. */
const RESOLUTION_MS = 10;

/**
 * The delay is averaged over each sample window. A window as long as the tolerated delay
 * (bounded to 20 ms..1 s) makes a stall of about that length visible at once, and keeps the
 * reaction well inside a data action's deadline. Two histogram ticks at least: a window with no
 * tick at all then means a blocked loop, not a window shorter than the tick.
 */
const sampleIntervalFor = (maxDelayMs: number) =>
  (maxDelayMs > 0 ? Math.min(1000, Math.max(2 * RESOLUTION_MS, maxDelayMs)) : 1000);

/**
 * Load shedding: 503 OVERLOADED with retry-after, in the one error body, while the event loop is
 * stalled or saturated. Answering at once lets Genesys take its failure path (and EventBridge
 * retry later) instead of queueing requests that would miss their deadline anyway.
 * MAX_EVENT_LOOP_DELAY_MS=0 / MAX_EVENT_LOOP_UTILIZATION=0 turn a check off.
 *
 * The sampler reads only perf_hooks counters: nothing in it opens a file descriptor, so it keeps
 * working (and cannot throw) while the process is out of descriptors. @fastify/under-pressure
 * reads process.memoryUsage() in its timer, which throws EMFILE then and kills the process.
 */
export default fp(async (app) => {
  const { maxEventLoopDelayMs: maxDelayMs, maxEventLoopUtilization: maxUtilisation } = app.config.loadShedding;
  if (maxDelayMs === 0 && maxUtilisation === 0) return;
  const sampleInterval = sampleIntervalFor(maxDelayMs);
  const delays = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  let utilisationSince = performance.eventLoopUtilization();
  let overloaded = false;

  const sample = () => {
    // No sample at all in a window means the loop was blocked for all of it.
    const delayMs = delays.count === 0 ? Number.POSITIVE_INFINITY : Math.max(0, delays.mean / 1e6 - RESOLUTION_MS);
    delays.reset();
    const now = performance.eventLoopUtilization();
    // Utilisation of the last window: since start, it would hardly move after a day.
    const utilisation = performance.eventLoopUtilization(now, utilisationSince).utilization;
    utilisationSince = now;
    overloaded = (maxDelayMs > 0 && delayMs > maxDelayMs) || (maxUtilisation > 0 && utilisation > maxUtilisation);
  };

  // Start-up (module loading, JIT, connections) saturates the loop for a moment and says nothing
  // about load: shed only once a whole sample window has passed after ready.
  let shedFrom = Number.POSITIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    delays.enable();
    timer = setInterval(sample, sampleInterval).unref();
    shedFrom = Date.now() + 2 * sampleInterval;
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    delays.disable();
  });

  // A callback hook: it runs on every request (docs/decisions.md, "Callback hooks on the hot path").
  app.addHook('onRequest', (request, _reply, done) => {
    const shed = overloaded && Date.now() >= shedFrom && request.routeOptions.config.answersDuring?.shedding !== true;
    done(shed ? errors.overloaded() : undefined);
  });
}, { name: 'load-shedding', dependencies: ['config', 'error-handler'] });
