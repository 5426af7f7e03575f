import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { join } from 'node:path';
import type { App, AppOverrides } from '../../src/app.js';
import type { EventEnvelope } from '../../src/events/schemas.js';
import { buildTestApp, INGEST_KEY } from '../helpers/app.js';

/** Real Genesys payloads (test/events/fixtures/README.md says where they come from). */
export const fixture = (name: 'genesys-audit-user-presence' | 'genesys-conversation-customer-start'): EventEnvelope =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));

/** A fresh conversation event: its own conversation id, so its dedup key is new in every run. */
export function makeEvent(): EventEnvelope {
  const event = fixture('genesys-conversation-customer-start');
  const conversationId = randomUUID();
  const detail = event.detail as { topicName: string; eventBody: Record<string, unknown> };
  detail.topicName = `v2.detail.events.conversation.${conversationId}.customer.start`;
  detail.eventBody.conversationId = conversationId;
  return { ...event, id: randomUUID() };
}

/** An event's JSON text with `detailText` (any JSON text, e.g. too deep to build as an object) as its detail. */
export const withDetail = (detailText: string, event: EventEnvelope = makeEvent()) =>
  JSON.stringify({ ...event, detail: { placeholder: 0 } }).replace('{"placeholder":0}', detailText);

/** A detail that takes the event to `levels` levels of nesting (the envelope is level 1), with objects or arrays. */
export function nestedDetail(levels: number, kind: 'objects' | 'arrays' = 'objects') {
  if (kind === 'objects') return `${'{"a":'.repeat(levels - 1)}1${'}'.repeat(levels - 1)}`;
  return `{"a":${'['.repeat(levels - 2)}1${']'.repeat(levels - 2)}}`;
}

/** The same event re-published by Genesys: a new envelope id and time, the same detail. */
export const republish = (e: EventEnvelope): EventEnvelope =>
  ({ ...e, id: randomUUID(), time: new Date().toISOString() });

/** The same JSON with every object's keys in reverse order, at every depth. */
export function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)])) as T;
}

/**
 * Load shedding (tested on its own) is off: these tests hammer one process on purpose, and every
 * answer they check must come from the receiver, not from a 503 OVERLOADED.
 */
export const NO_SHEDDING = { MAX_EVENT_LOOP_DELAY_MS: '0', MAX_EVENT_LOOP_UTILIZATION: '0' };

export const buildEventsApp = (env: Record<string, string> = {}, overrides: AppOverrides = {}) =>
  buildTestApp({ ...NO_SHEDDING, ...env }, overrides);

/** One app (file sink) for the tests of a describe block: built before them, closed after them. */
export function sharedEventsApp() {
  const shared = {} as { app: App; dir: string };
  beforeAll(async () => {
    shared.app = await buildEventsApp();
    shared.dir = shared.app.config.ingest.fileDir;
  });
  afterAll(() => shared.app.close());
  return shared;
}

export const URL_PATH = '/v1/events/eventbridge';

export function post(app: App, body: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: URL_PATH,
    headers: { 'x-api-key': INGEST_KEY, 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** One NDJSON line of the file sink. */
export interface StoredRecord {
  key: string;
  id: string;
  receivedAt: string;
  fingerprint?: string;
  event: EventEnvelope;
}

/** Every line of the NDJSON files of a sink folder, as written, oldest file first. */
export async function readLines(dir: string): Promise<string[]> {
  const lines: string[] = [];
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.ndjson')).sort()) {
    lines.push(...(await readFile(join(dir, name), 'utf8')).split('\n').filter((l) => l !== ''));
  }
  return lines;
}

/** Every complete NDJSON record of a sink folder (a torn last line is skipped, as warm-up does). */
export async function readRecords(dir: string): Promise<StoredRecord[]> {
  const records: StoredRecord[] = [];
  for (const line of await readLines(dir)) {
    try {
      records.push(JSON.parse(line));
    } catch {
      // torn line
    }
  }
  return records;
}

/** How many times each key was stored. */
export function countByKey(records: { key: string }[]) {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
  return counts;
}

/** The value of one Prometheus sample, e.g. metric(app, 'ingest_events_total{result="accepted"}'). */
export async function metric(app: App, sample: string): Promise<number> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

export { until } from '../helpers/clock.js';
