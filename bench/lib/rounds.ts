// Same-run comparison: every side is warmed up, then measured in alternated rounds
// (A B C A B C ...), so a noisy neighbour or thermal drift hits every side alike; medians reported.
import type { BenchConfig } from './config.js';
import type { RoundResult } from './load.js';
import { cpuMs } from './procs.js';
import { median, round, sum } from './stats.js';

export interface Side {
  name: string;
  /** One load run of `durationS` seconds against this side. */
  run: (durationS: number) => Promise<RoundResult>;
  /** The process serving this side: its CPU time per answered request is reported. */
  pid?: number;
  /** The backends' process (the simulator), whose CPU per request this side causes is reported too. */
  backendPid?: number;
}

/** A round plus the server's CPU cost per 2xx answer: steadier than req/s on a shared machine. */
type Measured = RoundResult & { cpuMsPerReq: number; backendCpuMsPerReq: number };

async function measure(side: Side, durationS: number): Promise<Measured> {
  const before = side.pid ? cpuMs(side.pid) : NaN;
  const backendBefore = side.backendPid ? cpuMs(side.backendPid) : NaN;
  const res = await side.run(durationS);
  const after = side.pid ? cpuMs(side.pid) : NaN;
  const backendAfter = side.backendPid ? cpuMs(side.backendPid) : NaN;
  const per = (ms: number) => (res.ok > 0 ? ms / res.ok : NaN);
  return { ...res, cpuMsPerReq: per(after - before), backendCpuMsPerReq: per(backendAfter - backendBefore) };
}

export interface SideSummary {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  ok: number;
  cpuMsPerReq: number;
  /** The simulator's CPU per request of this side (NaN when not measured). */
  backendCpuMsPerReq: number;
  rounds: {
    cpuMsPerReq: number; rps: number; p50: number; p99: number; non2xx: number; errors: number;
    statusCodes: Record<string, number>; errorSamples: string[];
  }[];
}

function log(msg: string) {
  process.stderr.write(`  ${msg}\n`);
}

export async function alternate(sides: Side[], cfg: BenchConfig): Promise<Record<string, SideSummary>> {
  if (cfg.warmupS > 0) {
    for (const s of sides) {
      const w = await measure(s, cfg.warmupS);
      log(`warm-up ${s.name}: ${round(w.rps)} req/s, non-2xx ${w.non2xx}, errors ${w.errors}`);
    }
  }
  const results = new Map<string, Measured[]>(sides.map((s) => [s.name, []]));
  for (let r = 1; r <= cfg.rounds; r++) {
    for (const s of sides) {
      const res = await measure(s, cfg.durationS);
      results.get(s.name)!.push(res);
      log(`round ${r}/${cfg.rounds} ${s.name}: ${round(res.rps)} req/s, p50 ${round(res.p50, 2)} ms, `
        + `p99 ${round(res.p99, 2)} ms, CPU ${round(res.cpuMsPerReq, 3)} ms/req, non-2xx ${res.non2xx}, `
        + `errors ${res.errors}`);
      for (const e of res.errorSamples) log(`  e.g. ${e}`);
    }
  }
  return Object.fromEntries(sides.map((s) => {
    const rs = results.get(s.name)!;
    const summary: SideSummary = {
      name: s.name,
      rps: median(rs.map((x) => x.rps)),
      p50: median(rs.map((x) => x.p50)),
      p99: median(rs.map((x) => x.p99)),
      non2xx: sum(rs.map((x) => x.non2xx)),
      errors: sum(rs.map((x) => x.errors)),
      ok: sum(rs.map((x) => x.ok)),
      cpuMsPerReq: median(rs.map((x) => x.cpuMsPerReq)),
      backendCpuMsPerReq: median(rs.map((x) => x.backendCpuMsPerReq)),
      rounds: rs.map((x) => ({
        cpuMsPerReq: round(x.cpuMsPerReq, 3), rps: round(x.rps), p50: round(x.p50, 2), p99: round(x.p99, 2),
        non2xx: x.non2xx, errors: x.errors, statusCodes: x.statusCodes, errorSamples: x.errorSamples,
      })),
    };
    return [s.name, summary];
  }));
}
