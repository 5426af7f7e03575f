// The ablation: the fan-out (a new customer and user on every request) against the service with
// each layer switched off in turn, and the bare baseline. What a layer costs is the CPU per
// request it saves when off; its share is that part of the service-minus-bare gap.
import { scratchDir, stopAll, type ScenarioContext } from '../lib/context.js';
import { fmt, type ScenarioReport } from '../lib/report.js';
import { alternate } from '../lib/rounds.js';
import { backendEnv, startBaseline, startService, type Running } from '../lib/stack.js';
import { fanoutSide, serviceEnv, uniqueBody } from './fanout.js';

/** Each layer, and how it is switched off: a bench-only build variant, or a setting. */
const LAYERS: { layer: string; how: string; variant?: string; env?: Record<string, string> }[] = [
  { layer: 'request log line', how: 'no line (buildApp override)', variant: 'without:request-log' },
  { layer: 'metrics', how: 'metrics that record nothing (override)', variant: 'without:metrics' },
  { layer: 'auth', how: 'AUTH_DISABLED=true', env: { AUTH_DISABLED: 'true' } },
  { layer: 'rate limit', how: 'no limiter (override)', variant: 'without:rate-limit' },
  {
    layer: 'load shedding', how: 'MAX_EVENT_LOOP_DELAY_MS=0 (no sampler, no hook)',
    env: { MAX_EVENT_LOOP_DELAY_MS: '0' },
  },
  { layer: 'input validation', how: 'body passed as is (override)', variant: 'without:validation' },
  { layer: 'response serialisation', how: 'JSON.stringify (override)', variant: 'without:serialisation' },
  { layer: 'budget timers', how: 'a clock that never sets them (override)', variant: 'without:budget-timers' },
  { layer: 'circuit', how: 'pass-through breaker (override)', variant: 'without:circuit' },
  {
    layer: 'retries', how: '*_RETRY_ATTEMPTS=1',
    env: { GENESYS_RETRY_ATTEMPTS: '1', CRM_RETRY_ATTEMPTS: '1', ORDERS_RETRY_ATTEMPTS: '1' },
  },
  { layer: 'CRM cache', how: 'CRM_CACHE_TTL_MS=0 (no cache object)', env: { CRM_CACHE_TTL_MS: '0' } },
];

export async function ablation(ctx: ScenarioContext): Promise<ScenarioReport> {
  const { cfg } = ctx;
  const scratch = scratchDir('ablation');
  const report: ScenarioReport = {
    id: 'ablation',
    title: 'ablation: the fan-out with each layer switched off in turn (no cache can answer)',
    status: 'ok',
    settings: `${cfg.connections} connections, ${cfg.rounds} × ${cfg.durationS} s per side, `
      + `backend latency ${cfg.backendLatencyMs} ms`,
    sides: [], facts: [], targets: [],
  };
  const running: Running[] = [];
  try {
    const base = serviceEnv(ctx, scratch.dir);
    const service = await startService('service-ablation', base, cfg, scratch.dir);
    // A second copy of the service, as shipped: how far two identical sides land apart in this run.
    const control = await startService('service-control', base, cfg, scratch.dir);
    const bare = await startBaseline('fanout-parallel', backendEnv(ctx.sim), cfg);
    running.push(service, control, bare);
    const variants: [string, Running][] = [];
    for (const l of LAYERS) {
      const r = await startService(`service-without-${l.layer.replace(/\W+/g, '-')}`, { ...base, ...l.env }, cfg, scratch.dir,
        l.variant === undefined ? {} : { variant: l.variant });
      running.push(r);
      variants.push([l.layer, r]);
    }
    const incomplete = new Map<string, number>();
    const res = await alternate([
      fanoutSide('service', service, cfg.connections, uniqueBody, incomplete, ctx.simPid),
      fanoutSide('control (the same service)', control, cfg.connections, uniqueBody, incomplete, ctx.simPid),
      fanoutSide('bare parallel', bare, cfg.connections, uniqueBody, incomplete, ctx.simPid),
      ...variants.map(([layer, r]) =>
        fanoutSide(`without ${layer}`, r, cfg.connections, uniqueBody, incomplete, ctx.simPid)),
    ], cfg);
    report.sides = Object.values(res);
    const svc = res.service!;
    const gap = svc.cpuMsPerReq - res['bare parallel']!.cpuMsPerReq;
    const us = (ms: number) => fmt.num(ms * 1000, 0);
    const controlSide = res['control (the same service)']!;
    const bareSide = res['bare parallel']!;
    report.table = {
      head: [
        'layer', 'switched off by', 'req/s', 'CPU µs per request', 'CPU µs it costs',
        'share of the service-minus-bare gap',
      ],
      rows: [
        ['(none: the service as shipped)', '', fmt.num(svc.rps), us(svc.cpuMsPerReq), '', ''],
        ['(none: a second copy, the noise of this run)', '', fmt.num(controlSide.rps),
          us(controlSide.cpuMsPerReq), us(svc.cpuMsPerReq - controlSide.cpuMsPerReq), ''],
        ['(everything: the bare baseline)', '', fmt.num(bareSide.rps), us(bareSide.cpuMsPerReq), us(gap), '100%'],
        ...LAYERS.map(({ layer, how }) => {
          const side = res[`without ${layer}`]!;
          const saved = svc.cpuMsPerReq - side.cpuMsPerReq;
          const share = `${fmt.num((saved / gap) * 100, 0)}%`;
          return [layer, how, fmt.num(side.rps), us(side.cpuMsPerReq), us(saved), share];
        }),
      ],
    };
    for (const [name, n] of incomplete) {
      if (n > 0) report.facts.push([`${name}: 200 answers with complete=false`, String(n)]);
    }
    report.facts.push(['service-minus-bare gap', `${us(gap)} µs of CPU per request`]);
  } finally {
    await stopAll(...running);
    scratch.cleanup();
  }
  return report;
}
