// Scenario 6: resident memory of the service after ingesting N distinct events (1,000,000 by
// default) into the file sink, in arrays of 100 envelopes over many connections. The memory dedup
// store is an LRU bounded by DEDUP_MAX_ENTRIES (default 500,000), so RSS must plateau.
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { scratchDir, stopAll, type ScenarioContext } from '../lib/context.js';
import { EventGenerator } from '../lib/events.js';
import { rssMB } from '../lib/procs.js';
import type { ScenarioReport } from '../lib/report.js';
import { INGEST_KEY, INGEST_KEY_HEADER, routeExists, startService, type Running } from '../lib/stack.js';
import { INGEST_ROUTE } from './ingest.js';

const PER_REQUEST = 100;
const MAX_ATTEMPTS = 30;
const TIME_LIMIT_MS = 6 * 60_000; // keeps the whole run bounded even on a slow machine
const RSS_TARGET_MB = 200;

interface Drive {
  accepted: number;
  requests: number;
  retries: number;
  failed: number;
  seconds: number;
  timedOut: boolean;
}

async function drive(url: string, events: number, connections: number): Promise<Drive> {
  const pool = new Pool(url, { connections, pipelining: 1 });
  const gen = new EventGenerator(0);
  const batches = Math.ceil(events / PER_REQUEST);
  const out: Drive = { accepted: 0, requests: 0, retries: 0, failed: 0, seconds: 0, timedOut: false };
  const started = Date.now();
  let next = 0;
  let reported = 0;
  const worker = async () => {
    for (let b = next++; b < batches; b = next++) {
      if (Date.now() - started > TIME_LIMIT_MS) { out.timedOut = true; return; }
      const size = Math.min(PER_REQUEST, events - b * PER_REQUEST);
      const body = JSON.stringify(Array.from({ length: size }, () => gen.fresh()));
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        out.requests++;
        const res = await pool.request({
          path: INGEST_ROUTE,
          method: 'POST',
          headers: { 'content-type': 'application/json', [INGEST_KEY_HEADER]: INGEST_KEY },
          body,
        });
        const text = await res.body.text();
        if (res.statusCode === 200) { out.accepted += (JSON.parse(text) as { accepted: number }).accepted; break; }
        if ((res.statusCode !== 429 && res.statusCode !== 503) || attempt === MAX_ATTEMPTS) {
          out.failed += size;
          break;
        }
        out.retries++;
        await sleep(Math.min(1000, Number(res.headers['retry-after'] ?? 1) * 1000));
      }
      const pct = Math.floor(((b + 1) / batches) * 10);
      if (pct > reported) { reported = pct; process.stderr.write(`  memory: ${pct * 10}% sent\n`); }
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, worker));
  } finally {
    await pool.close();
  }
  out.seconds = (Date.now() - started) / 1000;
  return out;
}

/** The service's own view (prom-client default metrics), in MB: RSS, V8 heap used/total, external. */
async function metricsMB(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => {
    const m = new RegExp(`^${name} (\\d+)`, 'm').exec(text);
    return m ? Math.round(Number(m[1]) / 1e6) : NaN;
  };
  return {
    rss: read('process_resident_memory_bytes'),
    heapUsed: read('nodejs_heap_size_used_bytes'),
    heapTotal: read('nodejs_heap_size_total_bytes'),
    external: read('nodejs_external_memory_bytes'),
  };
}

export async function memory(ctx: ScenarioContext): Promise<ScenarioReport> {
  const { cfg } = ctx;
  const scratch = scratchDir('memory');
  const n = cfg.memoryEvents;
  const report: ScenarioReport = {
    id: 'memory',
    title: `RSS after ingesting ${n.toLocaleString('en-US')} distinct events (file sink, memory dedup store)`,
    status: 'ok',
    settings: `${cfg.memoryConnections} connections, arrays of ${PER_REQUEST} envelopes, `
      + 'defaults DEDUP_MAX_ENTRIES / BATCH_MAX_SIZE / INGEST_QUEUE_MAX',
    sides: [], facts: [], targets: [],
  };
  let service: Running | undefined;
  try {
    const env = { INGEST_SINK: 'file', INGEST_FILE_DIR: `${scratch.dir}/events` };
    service = await startService('service-memory', env, cfg, scratch.dir);
    if (!(await routeExists(service.url, INGEST_ROUTE, { [INGEST_KEY_HEADER]: INGEST_KEY }, '{}'))) {
      report.status = 'route missing';
      report.targets.push({
        name: 'RSS after 1M distinct events', goal: `< ${RSS_TARGET_MB} MB`, measured: '-', met: null,
      });
      return report;
    }
    const before = rssMB(service.proc.pid);
    const d = await drive(service.url, n, cfg.memoryConnections);
    await sleep(2000); // let the last batch settle and the young generation be collected
    const after = rssMB(service.proc.pid);
    const m = await metricsMB(service.url);
    report.facts.push(
      ['RSS at start', `${before.rss} MB`],
      ['RSS after ingestion (/proc VmRSS, 2 s later)', `${after.rss} MB (process_resident_memory_bytes: ${m.rss} MB)`],
      ['V8 heap used / total, external (from /metrics)', `${m.heapUsed} / ${m.heapTotal} MB, ${m.external} MB`],
      ['peak RSS (VmHWM)', `${after.peak} MB`],
      ['events accepted', `${d.accepted.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} `
        + `(${d.failed} failed, ${d.retries} retried requests after 429/503`
        + `${d.timedOut ? ', STOPPED at the time limit' : ''})`],
      ['ingestion rate',
        `${Math.round(d.accepted / d.seconds).toLocaleString('en-US')} events/s (${d.seconds.toFixed(1)} s)`],
    );
    const complete = d.accepted === n;
    report.targets.push({
      name: `RSS after ${n.toLocaleString('en-US')} distinct events`,
      goal: `< ${RSS_TARGET_MB} MB${n === 1_000_000 ? '' : ' (stated for 1,000,000)'}`,
      measured: `${after.rss} MB (peak ${after.peak} MB)`,
      met: complete ? after.rss < RSS_TARGET_MB : false,
    });
    if (!complete) report.note = 'not every event was accepted; see the facts below';
  } finally {
    await stopAll(service);
    scratch.cleanup();
  }
  return report;
}
