// `npm run bench`: builds (via the npm script), compiles the baselines, starts one simulator with
// a fixed backend latency, runs every scenario against the service and its baselines in
// alternated rounds, prints the table and writes bench/results/latest.{json,md}.
import path from 'node:path';
import { benchConfig, machine } from './lib/config.js';
import type { ScenarioContext } from './lib/context.js';
import type { ScenarioReport } from './lib/report.js';
import { writeResults } from './lib/report.js';
import { compileBaselines, PRODUCTION_NODE_OPTIONS, ROOT, startSimulator } from './lib/stack.js';
import { fanoutCache, fanoutNoCache } from './scenarios/fanout.js';
import { genesysBudget } from './scenarios/genesys-budget.js';
import { ingestFile, ingestPostgres } from './scenarios/ingest.js';
import { lightLoadLatency } from './scenarios/latency.js';
import { memory } from './scenarios/memory.js';

const SCENARIOS: [string, (ctx: ScenarioContext) => Promise<ScenarioReport>][] = [
  ['fanout', fanoutNoCache],
  ['fanout-cache', fanoutCache],
  ['latency', lightLoadLatency],
  ['ingest-file', ingestFile],
  ['ingest-postgres', ingestPostgres],
  ['memory', memory],
  ['genesys-budget', genesysBudget],
];

const cfg = benchConfig;
const startedAt = new Date();
const selected = SCENARIOS.filter(([name]) => cfg.only.length === 0 || cfg.only.includes(name));
process.stderr.write(`bench: ${selected.map(([n]) => n).join(', ')}${cfg.quick ? ' (BENCH_QUICK)' : ''}\n`);

compileBaselines();
const sim = await startSimulator(cfg);
const reports: ScenarioReport[] = [];
try {
  for (const [name, run] of selected) {
    process.stderr.write(`\n[${name}]\n`);
    const t0 = Date.now();
    try {
      reports.push(await run({ cfg, sim: sim.urls }));
    } catch (err) {
      // One broken scenario (no PostgreSQL, a crashed process) must not hide the others' results.
      process.stderr.write(`  ${name} failed: ${(err as Error).stack ?? String(err)}\n`);
      reports.push({ id: name, title: name, status: 'failed', settings: '', sides: [], facts: [], targets: [], note: (err as Error).message.slice(0, 600) });
    }
    process.stderr.write(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
} finally {
  await sim.proc.stop();
}

const meta = {
  date: startedAt.toISOString(),
  ...machine(),
  mode: cfg.quick ? 'BENCH_QUICK (smoke run: numbers are indicative only)' : 'full',
  'duration per round': `${cfg.durationS} s`,
  'rounds per side': cfg.rounds,
  'warm-up per side': `${cfg.warmupS} s`,
  connections: `${cfg.connections} (throughput), ${cfg.lightConnections} (light load), ${cfg.memoryConnections} (memory)`,
  'backend latency': `${cfg.backendLatencyMs} ms (simulator, one process for the run)`,
  processes: 'simulator, service (node dist/src/server.js) and each baseline (node dist/bench/baselines/*.js) are separate processes, same node flags',
  'service env overrides': Object.keys(cfg.serviceEnv).length ? cfg.serviceEnv : '(none: as shipped, except RATE_LIMIT_MAX=1e9)',
  'node flags': cfg.nodeFlags.join(' ') || '(none)',
  'service NODE_OPTIONS': `${PRODUCTION_NODE_OPTIONS || '(none)'} (the Dockerfile's, as shipped; the baselines run without)`,
  logging: `LOG_LEVEL=${cfg.logLevel} for the service and the baselines, one line per request, stdout to /dev/null`,
  'total time': `${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s`,
};
const md = writeResults(cfg, meta, reports, path.join(ROOT, 'bench/results'));
process.stdout.write(`\n${md}`);
