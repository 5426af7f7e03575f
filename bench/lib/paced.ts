// An open-model load: requests leave at a fixed rate whether or not the earlier ones were answered
// (a contact centre's calls do not wait for the service), unlike autocannon's connections, which
// each wait for their answer. Plus the Zipf-like draw of which agent a call goes to.
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

export interface PacedAnswer {
  /** When the request left, in ms since the start of the run. */
  sentAtMs: number;
  /** 0 when no answer came (socket error, timeout). */
  status: number;
  body: string;
  latencyMs: number;
}

export async function pacedLoad(o: {
  url: string;
  path: string;
  headers: Record<string, string>;
  ratePerS: number;
  durationS: number;
  body: (i: number) => string;
}): Promise<PacedAnswer[]> {
  const pool = new Pool(o.url, { connections: 64, pipelining: 1, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const intervalMs = 1000 / o.ratePerS;
  const count = Math.round(o.ratePerS * o.durationS);
  const answers: Promise<PacedAnswer>[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    // Due times come from the start, so a late timer does not delay every later request.
    const wait = start + i * intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    const sentAt = performance.now();
    const answer = (status: number, body: string) =>
      ({ sentAtMs: sentAt - start, status, body, latencyMs: performance.now() - sentAt });
    answers.push(pool.request({
      method: 'POST', path: o.path, headers: { 'content-type': 'application/json', ...o.headers }, body: o.body(i),
    }).then(async (res) => answer(res.statusCode, await res.body.text()), () => answer(0, '')));
  }
  const all = await Promise.all(answers);
  await pool.close();
  return all;
}

/** A seeded generator (mulberry32): both sides of a comparison draw the same sequence. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Ranks 0..n-1 drawn with probability proportional to 1/(rank+1)^s (Zipf: a few agents take most calls). */
export function zipf(n: number, s: number, seed: number): () => number {
  const cdf: number[] = [];
  let total = 0;
  for (let k = 1; k <= n; k++) cdf.push((total += 1 / k ** s));
  const random = seeded(seed);
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
