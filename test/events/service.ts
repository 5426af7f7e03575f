import type { EventEnvelope } from '../../src/events/schemas.js';
import { DATA_KEY, INGEST_KEY } from '../helpers/app.js';
import { freePort, spawnService, waitHealthy, type ServiceProcess } from '../helpers/process.js';
import { NO_SHEDDING } from './helpers.js';

/** The real service (`src/server.ts`) in a child process, ready once /healthz answers. */
export async function startService(env: Record<string, string>): Promise<ServiceProcess> {
  const service = spawnService({
    LOG_LEVEL: 'warn', DATA_ACTION_API_KEYS: DATA_KEY, INGEST_API_KEYS: INGEST_KEY, ...NO_SHEDDING, ...env,
  }, await freePort());
  await waitHealthy(service, 30_000);
  return service;
}

type Answer = { results: { id: string; status: string }[] };
export type Outcome = { status: number; body?: Answer } | { status: 'error' };

/**
 * Sends each event in its own request (as an EventBridge API destination does) from `concurrency`
 * workers; `onAnswer` sees every acknowledgement as it arrives (to pull the plug mid-load). With
 * `redeliver`, a 429 or 5xx is sent again, as EventBridge retries them.
 */
export async function fire(
  url: string,
  events: EventEnvelope[],
  concurrency: number,
  opts: { onAck?: (acked: number) => void; redeliver?: boolean } = {},
) {
  const outcomes = new Map<string, Outcome>();
  let next = 0;
  let acked = 0;
  const send = (event: EventEnvelope): Promise<Outcome> => fetch(`${url}/v1/events/eventbridge`, {
    method: 'POST',
    headers: { 'x-api-key': INGEST_KEY, 'content-type': 'application/json' },
    body: JSON.stringify(event),
  }).then(async (r) => ({ status: r.status, body: await r.json() as Answer }), () => ({ status: 'error' as const }));
  const worker = async () => {
    while (next < events.length) {
      const event = events[next++]!;
      let outcome = await send(event);
      while (opts.redeliver && outcome.status !== 200) {
        await new Promise((r) => setTimeout(r, 20));
        outcome = await send(event);
      }
      outcomes.set(event.id, outcome);
      if (outcome.status === 200) opts.onAck?.(++acked);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return outcomes;
}

export const idsWith = (outcomes: Map<string, Outcome>, status: Outcome['status']) =>
  [...outcomes].filter(([, o]) => o.status === status).map(([id]) => id);
