// A bench-only build of the service: src/server.ts's startServer with one variant, chosen by
// BENCH_VARIANT (read here, never by the service):
//  - unset: as shipped;
//  - `coded-sources`: the CRM and the orders written in code (bench/sources/) instead of declared
//    in backends/default.yaml, to price the declared backends;
//  - `without:<layer>`: one layer switched off through buildApp's overrides (the ablation);
//  - `without:metrics`: metrics that record nothing;
//  - `without:budget-timers`: a clock that never sets a budget's timer, so no budget expires.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { AblatedLayer, AppOverrides } from '../src/app.js';
import { systemClock, type Clock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import type { Metrics } from '../src/metrics.js';
import { startServer } from '../src/server.js';
import crm from './sources/crm.js';
import orders from './sources/orders.js';

/** Metrics whose every method does nothing and returns something that does nothing. */
function noMetrics(): Metrics {
  const nothing: unknown = new Proxy(() => nothing, { get: () => nothing, apply: () => nothing });
  return new Proxy({}, {
    get: (_target, name) => (name === 'registry' ? { contentType: 'text/plain', metrics: async () => '' } : nothing),
  }) as Metrics;
}

/**
 * The system clock, except that a wait from 500 ms to the data-action deadline is never set: those
 * are the budgets' timers (the sources' timeouts, the deadline), so what is left of cancellation is
 * each budget's list of listeners. The batcher's shorter waits and refresh-ahead's tick still run.
 */
function withoutBudgetTimers(deadlineMs: number): Clock {
  const never = Symbol('never set');
  return {
    ...systemClock,
    setTimeout: (callback, ms) => (ms >= 500 && ms <= deadlineMs ? never : systemClock.setTimeout(callback, ms)),
    clearTimeout: (timer) => { if (timer !== never) systemClock.clearTimeout(timer); },
  };
}

const variant = process.env.BENCH_VARIANT ?? '';
const overrides: AppOverrides = {};
let env = process.env;
let extra = [] as (typeof crm)[];
if (variant === 'coded-sources') {
  const empty = join(tmpdir(), `bench-no-backends-${process.pid}.yaml`);
  writeFileSync(empty, 'backends: []\n');
  env = { ...process.env, BACKENDS_FILE: empty };
  extra = [crm, orders];
} else if (variant === 'without:metrics') {
  overrides.metrics = noMetrics();
} else if (variant === 'without:budget-timers') {
  overrides.clock = withoutBudgetTimers(loadConfig(env).dataActionDeadlineMs);
} else if (variant.startsWith('without:')) {
  overrides.without = [variant.slice('without:'.length) as AblatedLayer];
} else if (variant !== '') {
  throw new Error(`unknown BENCH_VARIANT ${variant}`);
}
await startServer(loadConfig(env, extra), undefined, overrides);
