// Scenario: what tracing costs. The fan-out with a new customer on every request, against the
// same build with tracing off and on (spans exported as OTLP JSON to a receiver that drops them),
// and, with BENCH_COMPARE_REF, against another commit's build (the service before tracing).
import { request } from 'undici';
import type { ScenarioContext } from '../lib/context.js';
import { scratchDir, stopAll } from '../lib/context.js';
import { buildRef, type BuiltRef } from '../lib/ref.js';
import type { ScenarioReport, Target } from '../lib/report.js';
import { fmt } from '../lib/report.js';
import { alternate } from '../lib/rounds.js';
import { startBaseline, startService, type Running } from '../lib/stack.js';
import { fanoutSide, serviceEnv, uniqueBody } from './fanout.js';

async function sinkStats(sink: Running): Promise<{ exports: number; bytes: number }> {
  const res = await request(`${sink.url}/stats`);
  return (await res.body.json()) as { exports: number; bytes: number };
}

export async function tracingCost(ctx: ScenarioContext): Promise<ScenarioReport> {
  const { cfg } = ctx;
  const scratch = scratchDir('tracing');
  const before = cfg.compareRef ? `before (${cfg.compareRef})` : undefined;
  const report: ScenarioReport = {
    id: 'tracing',
    title: 'tracing off and on, fan-out with a new customer and user on every request',
    status: 'ok',
    settings: `${cfg.connections} connections, ${cfg.rounds} × ${cfg.durationS} s per side, backend latency `
      + `${cfg.backendLatencyMs} ms; on: OTLP/HTTP JSON to a receiver that drops the spans`
      + (before ? `; ${before}: that commit built beside the tree, same node_modules` : ''),
    sides: [], facts: [], targets: [],
  };
  let ref: BuiltRef | undefined;
  const running: (Running | undefined)[] = [];
  try {
    const sink = await startBaseline('otlp-sink', {}, cfg);
    running.push(sink);
    const env = serviceEnv(ctx, scratch.dir);
    const off = await startService('service-tracing-off', env, cfg, scratch.dir);
    const tracedEnv = { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url };
    const on = await startService('service-tracing-on', tracedEnv, cfg, scratch.dir);
    running.push(off, on);
    let old: Running | undefined;
    if (cfg.compareRef) {
      ref = buildRef(cfg.compareRef);
      old = await startService('service-before-tracing', env, cfg, scratch.dir, { root: ref.root });
      running.push(old);
    }
    const incomplete = new Map<string, number>();
    const sides = [
      fanoutSide('tracing off', off, cfg.connections, uniqueBody, incomplete, ctx.simPid),
      fanoutSide('tracing on', on, cfg.connections, uniqueBody, incomplete, ctx.simPid),
      ...(before && old ? [fanoutSide(before, old, cfg.connections, uniqueBody, incomplete, ctx.simPid)] : []),
    ];
    const res = await alternate(sides, cfg);
    report.sides = Object.values(res);
    const [offSide, onSide] = [res['tracing off']!, res['tracing on']!];
    const exported = await sinkStats(sink);
    report.facts.push(
      ['tracing on / off req/s', fmt.num(onSide.rps / offSide.rps, 3)],
      ['tracing on / off server CPU per request', fmt.num(onSide.cpuMsPerReq / offSide.cpuMsPerReq, 3)],
      ['OTLP exports received (all rounds, warm-up included)',
        `${exported.exports} (${fmt.num(exported.bytes / 2 ** 20)} MiB)`],
    );
    for (const [name, n] of incomplete) report.facts.push([`${name}: 200 answers with complete=false`, String(n)]);
    const targets: Target[] = [];
    if (before) {
      const oldSide = res[before]!;
      const ratio = offSide.rps / oldSide.rps;
      const cpu = offSide.cpuMsPerReq / oldSide.cpuMsPerReq;
      report.facts.push([`tracing off / ${before} server CPU per request`, fmt.num(cpu, 3)]);
      const measured = `${fmt.num(ratio, 3)}x`;
      targets.push({ name: `tracing off vs ${before}, req/s`, goal: '>= 0.98x', measured, met: ratio >= 0.98 });
    }
    const onRatio = `${fmt.num(onSide.rps / offSide.rps, 3)}x`;
    targets.push({ name: 'tracing on vs off, req/s', goal: '— (reported)', measured: onRatio, met: null });
    report.targets = targets;
  } finally {
    await stopAll(...running);
    ref?.cleanup();
    scratch.cleanup();
  }
  return report;
}
