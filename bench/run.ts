// `npm run bench`: builds (via the npm script), compiles the baselines, starts one simulator with
// a fixed backend latency, runs every scenario against the service and its baselines in
// alternated rounds, once per Node runtime (24, what the Dockerfile ships, then the machine's),
// prints the table and writes bench/results/latest.{json,md} (quick.{json,md} for BENCH_QUICK).
import { execFileSync } from 'node:child_process';
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
import { tracingCost } from './scenarios/tracing.js';
import { ablation } from './scenarios/ablation.js';
import { declaredBackends } from './scenarios/declared.js';

type Scenario = [string, (ctx: ScenarioContext) => Promise<ScenarioReport>, 'every runtime' | 'first runtime'];

// The scenarios with targets run on every runtime; the others on the first (Node 24) only.
const SCENARIOS: Scenario[] = [
  ['fanout', fanoutNoCache, 'every runtime'],
  ['fanout-cache', fanoutCache, 'every runtime'],
  ['latency', lightLoadLatency, 'every runtime'],
  ['ingest-file', ingestFile, 'every runtime'],
  ['memory', memory, 'every runtime'],
  ['tracing', tracingCost, 'first runtime'],
  ['ablation', ablation, 'first runtime'],
  ['declared', declaredBackends, 'first runtime'],
  ['ingest-postgres', ingestPostgres, 'first runtime'],
  ['genesys-budget', genesysBudget, 'first runtime'],
];

const cfg = benchConfig;
const startedAt = new Date();
const selected = SCENARIOS.filter(([name]) => cfg.only.length === 0 || cfg.only.includes(name));
process.stderr.write(`bench: ${selected.map(([n]) => n).join(', ')} on Node ${cfg.runtimes.join(', ')}`
  + `${cfg.quick ? ' (BENCH_QUICK)' : ''}\n`);

/** The node binary of a major: this one's, or the npm registry's `node` package (npx caches it). */
function nodeBinary(major: string): string {
  if (process.versions.node.split('.')[0] === major) return process.execPath;
  const args = ['-y', '-p', `node@${major}`, '--', 'node', '-p', 'process.execPath'];
  return execFileSync('npx', args, { encoding: 'utf8' }).trim();
}

compileBaselines();
const sim = await startSimulator(cfg);
const reports: ScenarioReport[] = [];
const runtimes: Record<string, string> = {};
try {
  for (const [i, major] of cfg.runtimes.entries()) {
    cfg.node = nodeBinary(major);
    runtimes[`Node ${major}`] = execFileSync(cfg.node, ['--version'], { encoding: 'utf8' }).trim();
    for (const [name, run, on] of selected) {
      if (on === 'first runtime' && i > 0) continue;
      const id = `${name} (Node ${major})`;
      process.stderr.write(`\n[${id}]\n`);
      const t0 = Date.now();
      try {
        const report = await run({ cfg, sim: sim.urls, simPid: sim.proc.pid });
        reports.push({ ...report, id });
      } catch (err) {
        // One broken scenario (no PostgreSQL, a crashed process) must not hide the others' results.
        process.stderr.write(`  ${id} failed: ${(err as Error).stack ?? String(err)}\n`);
        reports.push({
          id, title: name, status: 'failed', settings: '', sides: [], facts: [], targets: [],
          note: (err as Error).message.slice(0, 600),
        });
      }
      process.stderr.write(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
    }
  }
} finally {
  await sim.proc.stop();
}

const meta = {
  date: startedAt.toISOString(),
  ...machine(),
  mode: cfg.quick ? 'BENCH_QUICK (smoke run: numbers are indicative only)' : 'full',
  runtimes,
  'duration per round': `${cfg.durationS} s`,
  'rounds per side': cfg.rounds,
  'warm-up per side': `${cfg.warmupS} s`,
  connections:
    `${cfg.connections} (throughput), ${cfg.lightConnections} (light load), ${cfg.memoryConnections} (memory)`,
  'backend latency': `${cfg.backendLatencyMs} ms (simulator, one process for the run)`,
  processes: 'simulator, service (node dist/src/server.js) and each baseline (node dist/bench/baselines/*.js) '
    + 'are separate processes, same node flags',
  'service env overrides': Object.keys(cfg.serviceEnv).length
    ? cfg.serviceEnv
    : '(none: as shipped, except RATE_LIMIT_MAX=1e9)',
  'node flags': cfg.nodeFlags.join(' ') || '(none)',
  'service NODE_OPTIONS':
    `${PRODUCTION_NODE_OPTIONS || '(none)'} (the Dockerfile's, as shipped; the baselines run without)`,
  logging: `LOG_LEVEL=${cfg.logLevel} for the service and the baselines, one line per request, stdout to /dev/null`,
  'total time': `${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s`,
};
// A quick run never overwrites the committed full-run report.
const md = writeResults(cfg, meta, reports, path.join(ROOT, 'bench/results'), cfg.quick ? 'quick' : 'latest');
process.stdout.write(`\n${md}`);
