// Every knob of the benchmark run, from the environment, validated once. BENCH_QUICK=1 shrinks
// the defaults to a ~1 minute smoke run; explicit variables always win over the quick defaults.
import os from 'node:os';

function envNumber(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number >= ${min}, got "${raw}"`);
  return n;
}

const quick = process.env.BENCH_QUICK === '1' || process.env.BENCH_QUICK === 'true';

export const benchConfig = {
  quick,
  /** Seconds of one measured round of one side. */
  durationS: envNumber('BENCH_DURATION_S', quick ? 3 : 10, 1),
  /** Measured rounds per side, alternated A B A B ... */
  rounds: Math.round(envNumber('BENCH_ROUNDS', quick ? 2 : 3, 1)),
  /** Unmeasured warm-up per side before the first round (JIT, pools, token). */
  warmupS: envNumber('BENCH_WARMUP_S', quick ? 1 : 3, 0),
  /** Fixed latency of every simulated backend. */
  backendLatencyMs: envNumber('BENCH_BACKEND_LATENCY_MS', 20, 0),
  /** Connections of the throughput scenarios (fan-out, ingestion). */
  connections: Math.round(envNumber('BENCH_CONNECTIONS', 32, 1)),
  /** Connections of the light-load latency scenario. */
  lightConnections: Math.round(envNumber('BENCH_LIGHT_CONNECTIONS', 2, 1)),
  /** Share of re-sent events in the ingestion scenarios. */
  duplicateRatio: envNumber('BENCH_DUPLICATE_RATIO', 0.2, 0),
  /** Distinct events of the memory scenario (the target is stated for 1,000,000). */
  memoryEvents: Math.round(envNumber('BENCH_MEMORY_EVENTS', quick ? 100_000 : 1_000_000, 100)),
  memoryConnections: Math.round(envNumber('BENCH_MEMORY_CONNECTIONS', 16, 1)),
  /** The Genesys budget scenario: seconds per side (one cold run each), data actions per second, distinct agents. */
  genesysDurationS: envNumber('BENCH_GENESYS_DURATION_S', quick ? 25 : 60, 15),
  genesysRate: envNumber('BENCH_GENESYS_RATE', 50, 1),
  genesysAgents: Math.round(envNumber('BENCH_GENESYS_AGENTS', 500, 1)),
  /** Extra node flags given to the service AND every baseline, e.g. "--max-old-space-size=512". */
  nodeFlags: (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  /** Write a --cpu-prof profile of each service process into bench/results/profiles/. */
  cpuProf: process.env.BENCH_CPU_PROF === '1',
  /** Comma-separated subset of scenario names to run (default: all). */
  only: (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  databaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  /**
   * Extra environment of every service process, "K=V,K2=V2" (e.g. MAX_EVENT_LOOP_UTILIZATION=0);
   * default: as shipped.
   */
  serviceEnv: Object.fromEntries((process.env.BENCH_SERVICE_ENV ?? '').split(',')
    .map((kv) => kv.trim()).filter((kv) => kv.includes('='))
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])) as Record<string, string>,
  /** A git ref built beside the tree: the tracing scenario measures it too (the service before tracing). */
  compareRef: process.env.BENCH_COMPARE_REF ?? '',
  /** LOG_LEVEL of the service and the baselines; stdout of both goes to /dev/null. */
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'info',
  /**
   * Node majors every side runs on, one table each: 24 (what the Dockerfile ships) and the
   * machine's own. `node` is the binary of the pass under way (set by run.ts).
   */
  runtimes: (process.env.BENCH_RUNTIMES ?? '24,20').split(',').map((s) => s.trim()).filter(Boolean),
  node: process.execPath,
};

export type BenchConfig = typeof benchConfig;

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadAvgAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
