// Declared backends against code: the fan-out (a new customer and user on every request) with the
// CRM and the orders declared in backends/default.yaml, as shipped, and written in code as they
// were before (bench/sources/), same run. The declared ones may cost at most 5% of the req/s.
import { scratchDir, stopAll, type ScenarioContext } from '../lib/context.js';
import { fmt, type ScenarioReport } from '../lib/report.js';
import { alternate } from '../lib/rounds.js';
import { startService, type Running } from '../lib/stack.js';
import { fanoutSide, serviceEnv, uniqueBody } from './fanout.js';

export async function declaredBackends(ctx: ScenarioContext): Promise<ScenarioReport> {
  const { cfg } = ctx;
  const scratch = scratchDir('declared');
  const report: ScenarioReport = {
    id: 'declared',
    title: 'declared CRM and orders (backends/default.yaml) against the same backends in code',
    status: 'ok',
    settings: `${cfg.connections} connections, ${cfg.rounds} × ${cfg.durationS} s per side, `
      + `backend latency ${cfg.backendLatencyMs} ms`,
    sides: [], facts: [], targets: [],
  };
  let declared: Running | undefined;
  let coded: Running | undefined;
  try {
    const env = serviceEnv(ctx, scratch.dir);
    declared = await startService('service-declared', env, cfg, scratch.dir);
    coded = await startService('service-coded', env, cfg, scratch.dir, { variant: 'coded-sources' });
    const incomplete = new Map<string, number>();
    const res = await alternate([
      fanoutSide('declared (as shipped)', declared, cfg.connections, uniqueBody, incomplete, ctx.simPid),
      fanoutSide('in code', coded, cfg.connections, uniqueBody, incomplete, ctx.simPid),
    ], cfg);
    report.sides = Object.values(res);
    const d = res['declared (as shipped)']!;
    const c = res['in code']!;
    const ratio = d.rps / c.rps;
    report.facts.push(
      ['declared / in code req/s', fmt.num(ratio, 3)],
      ['declared / in code CPU per request', fmt.num(d.cpuMsPerReq / c.cpuMsPerReq, 3)],
    );
    for (const [name, n] of incomplete) report.facts.push([`${name}: 200 answers with complete=false`, String(n)]);
    report.targets.push({
      name: 'declared backends req/s vs in code', goal: '>= 0.95x',
      measured: `${fmt.num(ratio, 3)}x`, met: ratio >= 0.95,
    });
  } finally {
    await stopAll(declared, coded);
    scratch.cleanup();
  }
  return report;
}
