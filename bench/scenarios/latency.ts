// Scenario 3: latency at light load. With 1-2 connections nothing queues, so p50 minus the
// backend latency is the service's own overhead per request (parsing, auth, fan-out, serialising).
import { scratchDir, stopAll, uniqueId, type ScenarioContext } from '../lib/context.js';
import type { ScenarioReport } from '../lib/report.js';
import { fmt } from '../lib/report.js';
import { runLoad } from '../lib/load.js';
import { alternate, type Side } from '../lib/rounds.js';
import { backendEnv, DATA_ACTION_KEY, routeExists, startBaseline, startService, type Running } from '../lib/stack.js';
import { fanoutSide, ROUTE, serviceEnv, uniqueBody } from './fanout.js';

/** One orders call straight to the simulator: the floor (backend latency + loopback + timer slack). */
function simulatorFloor(ordersUrl: string, connections: number): Side {
  return {
    name: 'simulator orders, direct',
    run: (durationS) => runLoad({
      baseUrl: ordersUrl, path: '/v1/orders', connections, durationS,
      headers: { authorization: 'Bearer sim-orders-key' },
      body: () => `{"customerId":"${uniqueId('c')}","status":["ACTIVE","PENDING"],"limit":5}`,
    }),
  };
}

export async function lightLoadLatency(ctx: ScenarioContext): Promise<ScenarioReport> {
  const { cfg } = ctx;
  const scratch = scratchDir('latency');
  const lat = cfg.backendLatencyMs;
  const report: ScenarioReport = {
    id: 'latency',
    title: 'latency at light load (new customer and user on every request)',
    status: 'ok',
    settings: `${cfg.lightConnections} connection(s), ${cfg.rounds} × ${cfg.durationS} s per side, `
      + `backend latency ${lat} ms`,
    sides: [], facts: [], targets: [],
  };
  let service: Running | undefined;
  let parallel: Running | undefined;
  try {
    service = await startService('service-latency', serviceEnv(ctx, scratch.dir), cfg, scratch.dir);
    parallel = await startBaseline('fanout-parallel', backendEnv(ctx.sim), cfg);
    const present = await routeExists(service.url, ROUTE, { 'x-api-key': DATA_ACTION_KEY }, '{}');
    if (!present) report.status = 'route missing';
    const incomplete = new Map<string, number>();
    const res = await alternate([
      ...(present ? [fanoutSide('service', service, cfg.lightConnections, uniqueBody, incomplete, ctx.simPid)] : []),
      fanoutSide('bare parallel', parallel, cfg.lightConnections, uniqueBody, incomplete, ctx.simPid),
      simulatorFloor(ctx.sim.orders, cfg.lightConnections),
    ], cfg);
    report.sides = Object.values(res);
    for (const s of report.sides) {
      report.facts.push([`${s.name}: p50 − backend latency`,
        `${fmt.num(s.p50 - lat, 2)} ms (p99 − latency ${fmt.num(s.p99 - lat, 2)} ms)`]);
    }
    const svc = res.service;
    const floor = res['simulator orders, direct']!;
    if (svc) {
      report.facts.push(['service p50 − direct simulator p50 (the service\'s own overhead)',
        `${fmt.num(svc.p50 - floor.p50, 2)} ms`]);
    }
    const bare = res['bare parallel']!;
    report.targets.push({
      name: 'light-load p50 vs bare parallel p50',
      goal: '<= +1 ms',
      measured: svc ? `${fmt.num(svc.p50 - bare.p50, 2)} ms` : '-',
      met: svc ? svc.p50 - bare.p50 <= 1 : null,
    });
  } finally {
    await stopAll(service, parallel);
    scratch.cleanup();
  }
  return report;
}
