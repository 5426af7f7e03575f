import fp from 'fastify-plugin';
import type { Clock } from '../clock.js';
import { startBudget } from '../http/budget.js';

export type ReadinessCheck = () => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Later capabilities (sink, dedup store, Genesys login) register what /readyz checks. */
    readiness: { register(name: string, check: ReadinessCheck): void };
  }
}

const CHECK_TIMEOUT_MS = 2000;

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

/** /healthz: the process answers. /readyz: every registered dependency is usable (SPEC §5). */
export default fp(async (app) => {
  const checks = new Map<string, ReadinessCheck>();
  app.decorate('readiness', { register: (name: string, check: ReadinessCheck) => void checks.set(name, check) });

  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const names = [...checks.keys()];
    const results = await Promise.all(names.map((n) => run(checks.get(n)!, app.clock)));
    const report = Object.fromEntries(names.map((n, i) => [n, results[i]]));
    const ready = !app.isClosing && results.every((r) => r === 'ok');
    if (app.isClosing) report.process = 'failed: shutting down';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unready', checks: report });
  });
}, { name: 'health', dependencies: ['lifecycle'] });
