// Scenario: the Genesys user at contact-centre scale, within the OAuth client's API budget. 500
// agents, data actions at a fixed rate (open model), agents drawn Zipf-like, the simulator
// enforcing 300 requests a minute with 429 + Retry-After like Genesys. One cold service per side,
// the simulator's window reset in between: the bulk, refresh-ahead, budgeted lookups as shipped,
// and the per-call lookups of before (one request per miss). What counts is what Genesys saw.
import { scratchDir, stopAll, type ScenarioContext } from '../lib/context.js';
import { pacedLoad, zipf, type PacedAnswer } from '../lib/paced.js';
import { cpuMs } from '../lib/procs.js';
import { fmt, type ScenarioReport } from '../lib/report.js';
import type { SideSummary } from '../lib/rounds.js';
import { percentile } from '../lib/stats.js';
import { DATA_ACTION_KEY, startService, type Running, type SimUrls } from '../lib/stack.js';
import { serviceEnv } from './fanout.js';

const LIMIT = 300;
const ZIPF_S = 1;
const SEED = 20_261_123;
const STEADY_AFTER_MS = 10_000;
const ROUTE = '/v1/data-actions/genesys-user';

const SIDES: { name: string; env: Record<string, string> }[] = [
  { name: 'bulk, refresh-ahead, budget', env: { GENESYS_RATE_LIMIT_PER_MINUTE: String(LIMIT) } },
  // Today's request pattern: no refresh-ahead, no client budget (so no pacing either): every miss
  // past the 60 s TTL is a request of its own. The client-wide 429 pause stays, so this side gets
  // fewer 429s than the code before it would have.
  { name: 'per-call lookup', env: { GENESYS_RATE_LIMIT_PER_MINUTE: '100000', USER_KEEP_WARM_MS: '0' } },
];

interface SimStats { received: number; throttled: number; maxPerWindow: number }

async function simControl(sim: SimUrls, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sim.genesysApi}/__sim/${path}`, body === undefined ? {} : {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return res.status === 204 ? undefined : res.json();
}

/** The sum of a metric's samples whose labels include `labels`. */
function metricSum(text: string, name: string, labels: string[] = []): number {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .filter((l) => labels.every((x) => l.includes(x)))
    .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

async function runSide(ctx: ScenarioContext, side: (typeof SIDES)[number], dir: string) {
  const { cfg } = ctx;
  await simControl(ctx.sim, 'reset', {});
  let service: Running | undefined;
  try {
    const env = { ...serviceEnv(ctx, dir), ...side.env };
    service = await startService(`service-genesys-${side.env.GENESYS_RATE_LIMIT_PER_MINUTE}`, env, cfg, dir);
    const draw = zipf(cfg.genesysAgents, ZIPF_S, SEED);
    const cpuBefore = cpuMs(service.proc.pid);
    const answers = await pacedLoad({
      url: service.url, path: ROUTE, headers: { 'x-api-key': DATA_ACTION_KEY },
      ratePerS: cfg.genesysRate, durationS: cfg.genesysDurationS,
      body: () => `{"userId":"agent-${String(draw() + 1).padStart(4, '0')}"}`,
    });
    const cpu = cpuMs(service.proc.pid) - cpuBefore;
    const sim = await simControl(ctx.sim, 'rate-limit') as SimStats;
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    return { answers, sim, metrics, cpu };
  } finally {
    await stopAll(service);
  }
}

function summarise(name: string, run: Awaited<ReturnType<typeof runSide>>, durationS: number) {
  type User = { status: string; stale: boolean };
  const user = (a: PacedAnswer) => (a.status === 200 ? (JSON.parse(a.body) as { user: User }).user : undefined);
  const steady = run.answers.filter((a) => a.sentAtMs >= STEADY_AFTER_MS);
  const okFresh = steady.filter((a) => user(a)?.status === 'ok' && user(a)?.stale === false).length;
  const statuses = new Map<string, number>();
  for (const a of steady) {
    const u = user(a);
    const key = u ? `${u.status}${u.stale ? ' (stale)' : ''}` : `HTTP ${a.status}`;
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
  }
  const latencies = steady.filter((a) => a.status === 200).map((a) => a.latencyMs).sort((x, y) => x - y);
  const answered = run.answers.filter((a) => a.status === 200).length;
  const summary: SideSummary = {
    name, rps: answered / durationS, p50: percentile(latencies, 50), p99: percentile(latencies, 99),
    non2xx: run.answers.filter((a) => a.status !== 200 && a.status !== 0).length,
    errors: run.answers.filter((a) => a.status === 0).length, ok: answered,
    cpuMsPerReq: answered > 0 ? run.cpu / answered : NaN, backendCpuMsPerReq: NaN, rounds: [],
  };
  const bulk = (what: string) => metricSum(run.metrics, `genesys_user_bulk_size_${what}`);
  return {
    summary, share: steady.length > 0 ? okFresh / steady.length : NaN, steady: steady.length, statuses,
    meanBulk: bulk('sum') / bulk('count'), refusals: metricSum(run.metrics, 'genesys_api_budget_refusals_total'),
  };
}

export async function genesysBudget(ctx: ScenarioContext): Promise<ScenarioReport> {
  const { cfg } = ctx;
  const scratch = scratchDir('genesys-budget');
  const report: ScenarioReport = {
    id: 'genesys-budget',
    title: `the Genesys user within the API budget: ${cfg.genesysAgents} agents, Zipf-like, ${LIMIT} requests a minute`,
    status: 'ok',
    settings: `${cfg.genesysRate} genesys-user data actions/s for ${cfg.genesysDurationS} s per side (open model, `
      + `one cold run each), ${cfg.genesysAgents} agents drawn Zipf (s=${ZIPF_S}, same seed both sides), `
      + `USER_CACHE_TTL_MS 60 s, simulator limit ${LIMIT}/min with 429 + Retry-After, `
      + `backend latency ${cfg.backendLatencyMs} ms`,
    sides: [], facts: [], targets: [],
  };
  await simControl(ctx.sim, 'configure', { apiRateLimitPerMinute: LIMIT });
  try {
    const rows: string[][] = [];
    for (const side of SIDES) {
      process.stderr.write(`  ${side.name}: ${cfg.genesysDurationS} s\n`);
      const run = await runSide(ctx, side, scratch.dir);
      const s = summarise(side.name, run, cfg.genesysDurationS);
      report.sides.push(s.summary);
      const share = `${fmt.num(s.share * 100, 2)}%`;
      const { received, maxPerWindow, throttled } = run.sim;
      rows.push([side.name, String(received), String(maxPerWindow), String(throttled), share,
        fmt.num(s.summary.p50, 2), fmt.num(s.summary.p99, 2), fmt.num(s.summary.cpuMsPerReq, 3)]);
      const statuses = [...s.statuses].map(([k, n]) => `${k} ${n}`).join(', ');
      report.facts.push(
        [`${side.name}: user statuses after the first 10 s (${s.steady} data actions)`, statuses],
        [`${side.name}: users per bulk request (mean), budget refusals`, `${fmt.num(s.meanBulk, 1)}, ${s.refusals}`],
      );
      if (side !== SIDES[0]) continue;
      report.targets.push(
        { name: 'Genesys requests in any 60 s window', goal: `<= ${LIMIT}`, measured: String(maxPerWindow),
          met: maxPerWindow <= LIMIT },
        { name: '429s received from Genesys', goal: '0', measured: String(throttled), met: throttled === 0 },
        { name: 'user ok and not stale after the first 10 s', goal: '>= 99%', measured: share, met: s.share >= 0.99 },
      );
    }
    const head = ['side', 'Genesys requests', 'max in any 60 s', '429s', 'user ok, not stale (after 10 s)'];
    report.table = { head: [...head, 'p50 ms', 'p99 ms', 'server CPU ms/req'], rows };
  } finally {
    await simControl(ctx.sim, 'configure', { apiRateLimitPerMinute: 0 });
    scratch.cleanup();
  }
  return report;
}
