import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EventEnvelope } from '../../src/events/schemas.js';
import { DATA_KEY, INGEST_KEY } from '../helpers/app.js';
import { freePort } from '../helpers/process.js';
import { NO_SHEDDING } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Service {
  url: string;
  proc: ChildProcess;
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  stderr: () => string;
}

/** The real service (`src/server.ts`) in a child process, ready once /healthz answers. */
export async function startService(env: Record<string, string>): Promise<Service> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp',
      PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn',
      DATA_ACTION_API_KEYS: DATA_KEY, INGEST_API_KEYS: INGEST_KEY, ...NO_SHEDDING, ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (chunk) => { stderr += String(chunk); });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`service exited with ${proc.exitCode}: ${stderr}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) return { url, proc, exited, stderr: () => stderr };
    if (Date.now() > deadline) throw new Error(`service did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Answer = { results: { id: string; status: string }[] };
export type Outcome = { status: number; body?: Answer } | { status: 'error' };

/**
 * Sends each event in its own request (as an EventBridge API destination does) from `concurrency`
 * workers; `onAnswer` sees every acknowledgement as it arrives (to pull the plug mid-load). With
 * `redeliver`, a 429 or 5xx is sent again, as EventBridge retries them.
 */
export async function fire(url: string, events: EventEnvelope[], concurrency: number, opts: { onAck?: (acked: number) => void; redeliver?: boolean } = {}) {
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
