// Scenarios 4 and 5: one EventBridge envelope per request (as an API destination sends it), 20%
// of them duplicates, into the file sink (fsync per batch) or PostgreSQL, against a bare Fastify
// POST. Afterwards every envelope answered 200 "accepted" must be in the sink, and stored once.
import { scratchDir, stopAll, type ScenarioContext } from '../lib/context.js';
import { AckTracker, EventGenerator } from '../lib/events.js';
import { runLoad } from '../lib/load.js';
import type { ScenarioReport } from '../lib/report.js';
import { fmt } from '../lib/report.js';
import { alternate, type Side } from '../lib/rounds.js';
import { INGEST_KEY, INGEST_KEY_HEADER, routeExists, startBaseline, startService, type Running } from '../lib/stack.js';
import { benchDatabase, dropTable, missing, storedInFiles, storedInPostgres, type Stored } from '../lib/stored.js';

export const INGEST_ROUTE = '/v1/events/eventbridge';
/** What integrators write instead (bench/baselines/peer-ingest-express.ts). */
const PEER = 'Express + fsync per event';
// The postgres sink's default table (src/events/sinks/postgres.ts), in the bench's own database.
const PG_TABLE = 'eventbridge_events';

function ingestSide(name: string, target: Running, connections: number, gen: EventGenerator, acks: AckTracker): Side {
  return {
    name,
    pid: target.proc.pid,
    run: (durationS) => runLoad({
      baseUrl: target.url, path: INGEST_ROUTE, connections, durationS,
      headers: { [INGEST_KEY_HEADER]: INGEST_KEY },
      body: () => JSON.stringify(gen.next()),
      // Both sides parse their answers, so the load generator costs both the same.
      onResponse: acks.onResponse,
    }),
  };
}

export async function ingest(ctx: ScenarioContext, sink: 'file' | 'postgres'): Promise<ScenarioReport> {
  const { cfg } = ctx;
  const id = `ingest-${sink}`;
  const scratch = scratchDir(id);
  const eventsDir = `${scratch.dir}/events`;
  const sinkName = sink === 'file' ? 'file sink (fsync per batch)' : 'PostgreSQL sink (commit per batch)';
  const report: ScenarioReport = {
    id,
    title: `ingestion, ${sinkName}, ${Math.round(cfg.duplicateRatio * 100)}% duplicates`,
    status: 'ok',
    settings: `${cfg.connections} connections, one envelope per request, ${cfg.rounds} × ${cfg.durationS} s per side`,
    sides: [], facts: [], targets: [],
  };
  let service: Running | undefined;
  let bare: Running | undefined;
  let peer: Running | undefined;
  let stored: Stored | undefined;
  const acks = new AckTracker();
  let present = false;
  try {
    const databaseUrl = sink === 'postgres' ? await benchDatabase(cfg.databaseUrl) : '';
    if (sink === 'postgres') await dropTable(databaseUrl, PG_TABLE);
    const sinkEnv: Record<string, string> = sink === 'file'
      ? { INGEST_SINK: 'file', INGEST_FILE_DIR: eventsDir }
      : { INGEST_SINK: 'postgres', DATABASE_URL: databaseUrl };
    service = await startService(`service-${id}`, sinkEnv, cfg, scratch.dir);
    bare = await startBaseline('ingest-bare', {}, cfg);
    if (sink === 'file') peer = await startBaseline('peer-ingest-express', { INGEST_FILE_DIR: scratch.dir }, cfg);
    present = await routeExists(service.url, INGEST_ROUTE, { [INGEST_KEY_HEADER]: INGEST_KEY }, '{}');
    if (!present) report.status = 'route missing';

    const generator = () => new EventGenerator(cfg.duplicateRatio);
    const res = await alternate([
      ...(present ? [ingestSide('service', service, cfg.connections, generator(), acks)] : []),
      ingestSide('bare POST', bare, cfg.connections, generator(), new AckTracker()),
      ...(peer ? [ingestSide(PEER, peer, cfg.connections, generator(), new AckTracker())] : []),
    ], cfg);
    report.sides = Object.values(res);
    // A graceful stop writes what is pending; reading the sink before would race the last batch.
    await service.proc.stop();
    if (present) {
      stored = sink === 'file' ? await storedInFiles(eventsDir) : await storedInPostgres(databaseUrl, PG_TABLE);
    }

    const svc = res.service;
    const ratio = svc ? svc.rps / res['bare POST']!.rps : NaN;
    const vsPeer = svc && res[PEER] ? svc.rps / res[PEER].rps : NaN;
    report.facts.push(['service / bare POST req/s', fmt.num(ratio, 3)]);
    if (stored) {
      report.facts.push(
        ['acknowledged as accepted (warm-up included)',
          `${acks.accepted.toLocaleString('en-US')} (${acks.acceptedIds.size.toLocaleString('en-US')} distinct ids)`],
        ['acknowledged as duplicate', acks.duplicates.toLocaleString('en-US')],
        ['in the sink', `${stored.rows.toLocaleString('en-US')} rows, `
          + `${stored.distinctKeys.toLocaleString('en-US')} distinct keys, `
          + `${stored.ids.size.toLocaleString('en-US')} distinct ids`],
        ['accepted ids missing from the sink', String(missing(acks.acceptedIds, stored))],
        ['keys stored more than once', String(stored.rows - stored.distinctKeys)],
        // autocannon closes its sockets at the end of a round: answers still in flight are stored but never read.
        ['stored but not seen acknowledged (in flight when a round ended)',
          String(stored.ids.size - acks.acceptedIds.size)],
      );
    }
    const lost = stored ? missing(acks.acceptedIds, stored) : NaN;
    const twice = stored ? stored.rows - stored.distinctKeys : NaN;
    report.targets.push({
      name: `${sink} sink: every accepted event stored, once`, goal: '0 missing, 0 twice',
      measured: stored ? `${lost} missing, ${twice} twice` : '-', met: stored ? lost === 0 && twice === 0 : null,
    });
    if (sink === 'file') {
      report.targets.push(
        {
          name: 'file ingestion req/s vs bare POST', goal: '>= 0.6x',
          measured: `${fmt.num(ratio, 3)}x`, met: svc ? ratio >= 0.6 : null,
        },
        {
          name: `file ingestion req/s vs ${PEER}`, goal: '>= 1.6x',
          measured: `${fmt.num(vsPeer, 3)}x`, met: svc ? vsPeer >= 1.6 : null,
        },
        {
          name: 'file ingestion errors (non-2xx + socket)', goal: '0',
          measured: svc ? String(svc.non2xx + svc.errors) : '-', met: svc ? svc.non2xx + svc.errors === 0 : null,
        },
      );
    } else if (svc) {
      report.facts.push(['errors (non-2xx + socket)', String(svc.non2xx + svc.errors)]);
    }
  } finally {
    await stopAll(service, bare, peer);
    scratch.cleanup();
  }
  return report;
}

export const ingestFile = (ctx: ScenarioContext) => ingest(ctx, 'file');
export const ingestPostgres = (ctx: ScenarioContext) => ingest(ctx, 'postgres');
