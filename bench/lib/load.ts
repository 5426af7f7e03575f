// One measured round: autocannon against one side, one body per request from a generator.
// Latencies come from autocannon's 'response' event (float ms from process.hrtime) rather than
// its HDR histogram, which stores whole milliseconds: the light-load target is +2 ms.
import autocannon from 'autocannon';
import { percentile } from './stats.js';

export interface LoadOptions {
  baseUrl: string;
  path: string;
  connections: number;
  durationS: number;
  headers: Record<string, string>;
  /** A fresh body for every request (unique ids, duplicates...). */
  body: () => string;
  /** Sees every response body. */
  onResponse?: (status: number, body: string) => void;
}

export interface RoundResult {
  /** 2xx answers per second. */
  rps: number;
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  p50: number;
  p99: number;
  mean: number;
  durationS: number;
  statusCodes: Record<string, number>;
  /** The first few non-2xx bodies, so a failing side explains itself in the report. */
  errorSamples: string[];
}

const SAMPLES = 3;

export async function runLoad(o: LoadOptions): Promise<RoundResult> {
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  const onResponse = (status: number, body: string) => {
    if ((status < 200 || status >= 300) && errorSamples.length < SAMPLES) {
      errorSamples.push(`${status} ${body.slice(0, 300)}`);
    }
    o.onResponse?.(status, body);
  };
  let done!: (err: Error | null, r: autocannon.Result) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    done = (err, r) => (err ? reject(err) : resolve(r));
  });
  const instance = autocannon({
    url: o.baseUrl,
    connections: o.connections,
    duration: o.durationS,
    pipelining: 1,
    timeout: 10,
    requests: [{
      method: 'POST',
      path: o.path,
      headers: { 'content-type': 'application/json', ...o.headers },
      setupRequest: (req) => ({ ...req, body: o.body() }),
      onResponse,
    }],
  }, (err, r) => done(err, r));
  instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    if (status >= 200 && status < 300) latencies.push(responseTime);
  });
  const r = await finished;
  const statusCodes = Object.fromEntries(
    Object.entries(r.statusCodeStats ?? {}).map(([code, v]) => [code, Number((v as { count: number | string }).count)]),
  );
  latencies.sort((a, b) => a - b);
  const ok = latencies.length;
  return {
    rps: ok / r.duration,
    ok,
    non2xx: r.non2xx,
    errors: r.errors, // autocannon counts timeouts among errors
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    mean: ok === 0 ? NaN : latencies.reduce((s, x) => s + x, 0) / ok,
    durationS: r.duration,
    statusCodes,
    errorSamples,
  };
}
