// Scenarios 1 and 2: the customer-context fan-out under load, against the bare baselines.
import type { ScenarioContext } from '../lib/context.js';
import { scratchDir, stopAll, uniqueId } from '../lib/context.js';
import { runLoad } from '../lib/load.js';
import type { ScenarioReport } from '../lib/report.js';
import { fmt } from '../lib/report.js';
import { alternate, type Side } from '../lib/rounds.js';
import { backendEnv, DATA_ACTION_KEY, routeExists, startBaseline, startService, type Running } from '../lib/stack.js';

export const ROUTE = '/v1/data-actions/customer-context';
/** What integrators write instead (bench/baselines/peer-fanout-express.ts). */
const PEER = 'Express + axios';

type Body = () => string;
export const uniqueBody: Body = () =>
  JSON.stringify({ customerId: uniqueId('c'), userId: uniqueId('u'), ordersLimit: 5 });
const repeatedBody: Body = () => '{"customerId":"c-repeat-1","userId":"u-repeat-1","ordersLimit":5}';

/** A load side that also counts 200 answers whose document says a source failed. */
export function fanoutSide(
  name: string, target: Running, connections: number, body: Body, incomplete: Map<string, number>, simPid?: number,
): Side {
  incomplete.set(name, 0);
  return {
    name,
    pid: target.proc.pid,
    backendPid: simPid,
    run: (durationS) => runLoad({
      baseUrl: target.url, path: ROUTE, connections, durationS, body,
      headers: { 'x-api-key': DATA_ACTION_KEY },
      onResponse: (status, text) => {
        if (status === 200 && !text.includes('"complete":true')) incomplete.set(name, incomplete.get(name)! + 1);
      },
    }),
  };
}

export function serviceEnv(ctx: ScenarioContext, dir: string): Record<string, string> {
  return { ...backendEnv(ctx.sim), INGEST_SINK: 'file', INGEST_FILE_DIR: `${dir}/events` };
}

async function fanout(ctx: ScenarioContext, id: string, cached: boolean): Promise<ScenarioReport> {
  const { cfg } = ctx;
  const scratch = scratchDir(id);
  const report: ScenarioReport = {
    id,
    title: cached
      ? 'fan-out, repeated customer and user (cache path)'
      : 'fan-out, a new customer and user on every request (no cache can answer)',
    status: 'ok',
    settings: `${cfg.connections} connections, ${cfg.rounds} × ${cfg.durationS} s per side, `
      + `backend latency ${cfg.backendLatencyMs} ms`,
    sides: [], facts: [], targets: [],
  };
  let service: Running | undefined;
  let parallel: Running | undefined;
  let sequential: Running | undefined;
  let peer: Running | undefined;
  try {
    service = await startService(`service-${id}`, serviceEnv(ctx, scratch.dir), cfg, scratch.dir);
    parallel = await startBaseline('fanout-parallel', backendEnv(ctx.sim), cfg);
    if (!cached) sequential = await startBaseline('fanout-sequential', backendEnv(ctx.sim), cfg);
    if (!cached) peer = await startBaseline('peer-fanout-express', backendEnv(ctx.sim), cfg);
    const present = await routeExists(service.url, ROUTE, { 'x-api-key': DATA_ACTION_KEY }, '{}');
    if (!present) report.status = 'route missing';

    const body = cached ? repeatedBody : uniqueBody;
    const incomplete = new Map<string, number>();
    const sides = [
      ...(present ? [fanoutSide('service', service, cfg.connections, body, incomplete, ctx.simPid)] : []),
      fanoutSide('bare parallel', parallel, cfg.connections, body, incomplete, ctx.simPid),
      ...(sequential ? [fanoutSide('bare sequential', sequential, cfg.connections, body, incomplete, ctx.simPid)] : []),
      ...(peer ? [fanoutSide(PEER, peer, cfg.connections, body, incomplete, ctx.simPid)] : []),
    ];
    const res = await alternate(sides, cfg);
    report.sides = Object.values(res);
    for (const [name, n] of incomplete) {
      report.facts.push([`${name}: 200 answers with complete=false (a source failed or timed out)`, String(n)]);
    }

    const svc = res.service;
    const bare = res['bare parallel']!;
    const ratio = svc ? svc.rps / bare.rps : NaN;
    report.facts.push(['service / bare parallel req/s', fmt.num(ratio, 3)]);
    if (res['bare sequential']) {
      const vsSequential = svc ? svc.rps / res['bare sequential'].rps : NaN;
      report.facts.push(['service / bare sequential req/s', fmt.num(vsSequential, 3)]);
    }
    if (!cached) {
      const cpu = svc ? svc.cpuMsPerReq / bare.cpuMsPerReq : NaN;
      const vsPeer = svc && res[PEER] ? svc.rps / res[PEER].rps : NaN;
      report.facts.push(
        ['service / bare parallel CPU per request', fmt.num(cpu, 3)],
        [`service / ${PEER} req/s`, fmt.num(vsPeer, 3)],
      );
      report.targets.push(
        {
          name: 'fan-out req/s vs bare baseline', goal: '>= 0.9x',
          measured: `${fmt.num(ratio, 3)}x`, met: svc ? ratio >= 0.9 : null,
        },
        {
          name: 'fan-out CPU per request vs bare', goal: '<= 1.2x',
          measured: `${fmt.num(cpu, 3)}x`, met: svc ? cpu <= 1.2 : null,
        },
        {
          name: `fan-out req/s vs ${PEER}`, goal: '>= 3x',
          measured: `${fmt.num(vsPeer, 3)}x`, met: svc ? vsPeer >= 3 : null,
        },
        {
          name: 'fan-out errors (non-2xx + socket)', goal: '0',
          measured: svc ? String(svc.non2xx + svc.errors) : '-', met: svc ? svc.non2xx + svc.errors === 0 : null,
        },
      );
    } else {
      report.facts.push(
        ['service p50 vs bare parallel p50 (ms)', `${fmt.num(svc?.p50 ?? NaN, 2)} vs ${fmt.num(bare.p50, 2)}`]);
      report.targets.push({
        name: 'cached fan-out req/s vs bare (no cache)', goal: '>= 1.0x',
        measured: `${fmt.num(ratio, 3)}x`, met: svc ? ratio >= 1 : null,
      });
    }
  } finally {
    await stopAll(service, parallel, sequential, peer);
    scratch.cleanup();
  }
  return report;
}

export const fanoutNoCache = (ctx: ScenarioContext) => fanout(ctx, 'fanout', false);
export const fanoutCache = (ctx: ScenarioContext) => fanout(ctx, 'fanout-cache', true);
