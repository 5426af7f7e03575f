import fp from 'fastify-plugin';
import { Gauge } from 'prom-client';
import type { Clock } from '../clock.js';
import { startBudget } from '../http/budget.js';

export type ReadinessCheck = () => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Later capabilities (sink, dedup store, Genesys login) register what /readyz reports. */
    readiness: { register(name: string, check: ReadinessCheck): void };
  }
}

const CHECK_TIMEOUT_MS = 2000;
/** How often the dependency_up gauge is refreshed between /readyz calls. */
const REFRESH_INTERVAL_MS = 10_000;

async function run(check: ReadinessCheck, clock: Clock): Promise<string> {
  const deadline = startBudget(CHECK_TIMEOUT_MS, clock);
  try {
    await deadline.race(check(), () => new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`));
    return 'ok';
  } catch (err) {
    return `failed: ${(err as Error).message}`;
  } finally {
    deadline.release();
  }
}

/**
 * /healthz: the process answers. /readyz: the process can serve, 200 from start until it
 * drains, 503 while it drains. Each registered dependency is reported by name in the body and
 * in the `dependency_up` gauge, but none decides readiness: every route already degrades on its
 * own (a source's status in a data action, a 503 that EventBridge retries), while a readiness
 * gate that followed a dependency all replicas share would take every replica out of the load
 * balancer at once (README, "Readiness").
 *
 * The gauge is refreshed by /readyz and by a timer, not at scrape: /metrics stays a read that
 * touches no dependency, and the dependencies see one check per interval however many
 * scrapers and probes there are.
 */
export default fp(async (app) => {
  const checks = new Map<string, ReadinessCheck>();
  app.decorate('readiness', { register: (name: string, check: ReadinessCheck) => void checks.set(name, check) });
  const up = new Gauge({
    registers: [app.metrics.registry], name: 'dependency_up', labelNames: ['dependency'],
    help: 'Whether a dependency passed its last check (1) or not (0); refreshed by /readyz and every 10 s',
  });

  // One run at a time: a probe and the timer that meet share it.
  let running: Promise<Record<string, string>> | undefined;
  const checkAll = async () => {
    const names = [...checks.keys()];
    const results = await Promise.all(names.map((name) => run(checks.get(name)!, app.clock)));
    names.forEach((name, i) => up.set({ dependency: name }, results[i] === 'ok' ? 1 : 0));
    return Object.fromEntries(names.map((name, i) => [name, results[i]!]));
  };
  const refresh = () => (running ??= checkAll().finally(() => { running = undefined; }));

  // Node's own timer, not the app's clock: the cadence is how fresh the gauge is, and nothing
  // the service decides depends on it, while tests that move the app's clock by minutes would
  // otherwise run the checks (and a Genesys login) at every 10 s they skip.
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    // A timer callback must not throw: a check that escapes its own catch is logged, not fatal.
    const tick = () => refresh().catch((err: unknown) => app.log.error({ err }, 'readiness checks failed to run'));
    timer = setInterval(tick, REFRESH_INTERVAL_MS).unref();
  });
  app.addHook('preClose', async () => clearInterval(timer));

  const probe = { logLevel: 'warn' as const, config: { answersDuring: { drain: true, shedding: true } as const } };
  app.get('/healthz', probe, async () => ({ status: 'ok' }));

  app.get('/readyz', probe, async (_request, reply) => {
    const report = await refresh();
    if (app.isClosing) {
      return reply.code(503).send({ status: 'unready', checks: { ...report, process: 'failed: shutting down' } });
    }
    return reply.code(200).send({ status: 'ready', checks: report });
  });
}, { name: 'health', dependencies: ['lifecycle', 'metrics'] });
