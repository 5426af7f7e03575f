import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { startBudget } from '../http/budget.js';
import { CircuitBreaker, PASS_THROUGH, type Breaker } from '../http/circuit.js';
import { createHttpClient } from '../http/client.js';
import type { ConfiguredSource, SourceContext } from '../sources/definition.js';
import { aggregateCustomerContext, type AggregateDeps, type RunningSource } from './aggregate.js';
import { dataActionSchemas } from './schemas.js';

/** Builds each configured backend for this app; its readiness checks and close go with the app. */
async function startSources(
  app: FastifyInstance, configured: readonly ConfiguredSource[], circuits: boolean,
): Promise<RunningSource[]> {
  const { config, metrics, clock } = app;
  const http = createHttpClient({ metrics });
  app.addHook('onClose', () => http.close());
  const running: RunningSource[] = [];
  for (const { contract, start, timeoutMs } of configured) {
    let breaker: Breaker | undefined;
    const ctx: SourceContext = {
      http, metrics, clock, log: app.log, cacheMaxEntries: config.cacheMaxEntries, redisUrl: config.redisUrl,
      breaker: () => (breaker = circuits
        ? new CircuitBreaker(contract.name, config.circuit, metrics.circuitState, clock)
        : PASS_THROUGH),
    };
    const source = await start(ctx);
    if (source?.close) app.addHook('onClose', () => source.close?.());
    for (const [name, check] of Object.entries(source?.readiness ?? {})) {
      app.readiness.register(name, async () => {
        const budget = startBudget(timeoutMs, clock);
        try {
          await check(budget);
        } finally {
          budget.release();
        }
      });
    }
    running.push({ contract, source, timeoutMs, circuit: () => breaker?.current });
  }
  return running;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** When the request arrived, on the app's clock: the deadline counts from here. */
    arrivedAt: number;
  }
}

/**
 * The data-action routes (docs/contract.md, "Data actions"): customer-context over every backend,
 * and one route per backend answering the same object restricted to its section. Each notes its
 * arrival, is authenticated, then rate limited per credential before its body is read.
 */
export default async function dataActionRoutes(app: FastifyInstance, opts: { circuits?: boolean } = {}) {
  const { config, metrics, clock } = app;
  app.decorateRequest('arrivedAt', 0);
  const arrival: onRequestHookHandler = (request, _reply, done) => {
    request.arrivedAt = clock.now();
    done();
  };
  const running = await startSources(app, config.sources, opts.circuits !== false);
  const deps: AggregateDeps = { metrics, clock, deadlineMs: config.dataActionDeadlineMs };
  // One limiter for the family: a credential has one budget whatever route it calls.
  const limit = app.rateLimit();

  for (const action of dataActionSchemas(running.map((s) => s.contract))) {
    const sections = running.filter((s) => action.sections.includes(s.contract));
    const all = sections.map((s) => s.contract.name);
    app.post(`/${action.name}`, {
      onRequest: [arrival, app.authenticate.dataActions, limit],
      config: { title: action.title },
      schema: { summary: action.summary, body: action.input, response: { 200: action.output } },
    }, async (request) => {
      const inputs = request.body as Record<string, unknown>;
      const { answer, complete, failedSources, sources } = await aggregateCustomerContext({
        inputs, sections, wanted: (inputs.include as string[] | undefined) ?? all, arrivedAt: request.arrivedAt,
        trace: request.trace,
      }, deps);
      metrics.dataActionResults.inc({ route: action.name, complete: String(complete) });
      request.outcome = { complete, sources };
      request.trace?.setAttributes({ 'gdas.complete': complete, 'gdas.failed_sources': failedSources });
      return answer;
    });
  }
}
