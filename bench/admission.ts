// Micro-benchmark of what the events route does to one event before it joins a batch, on the
// real Genesys fixtures: the steps the body scan (src/events/json-scan.ts) adds, the
// JSON.stringify of the record it replaces, and the reviver a lossless JSON.parse would need.
// Run: npx tsx bench/admission.ts [iterations]. Figures: bench/README.md.
import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { dedupKey } from '../src/events/dedup-key.js';
import { scanEventBody } from '../src/events/json-scan.js';
import { parseEventBridgeBody, type EventEnvelope } from '../src/events/schemas.js';
import { median, round } from './lib/stats.js';

const ITERATIONS = Number(process.argv[2] ?? 20_000);
const ROUNDS = 7;
const fixture = (name: string) =>
  readFileSync(new URL(`../test/events/fixtures/${name}.json`, import.meta.url), 'utf8');
const bodies = {
  'conversation event': JSON.stringify(JSON.parse(fixture('genesys-conversation-customer-start'))),
  'presence event': JSON.stringify(JSON.parse(fixture('genesys-audit-user-presence'))),
};

// Fastify's own JSON parser (secure-json-parse), as both routes use it.
const parseJson = Fastify().getDefaultJsonParser('error', 'error');
const parse = (text: string) => {
  let out: unknown;
  parseJson({} as never, text, (err, body) => {
    if (err) throw err;
    out = body;
  });
  return out as EventEnvelope;
};

/** Median µs per call of `fn` over ROUNDS rounds of ITERATIONS calls (after one warm-up round). */
function measure(fn: (i: number) => unknown): number {
  const perRound: number[] = [];
  let sink = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    const start = performance.now();
    for (let i = 0; i < ITERATIONS; i++) sink ^= (fn(i) as string | undefined)?.length ?? 1;
    if (round > 0) perRound.push(((performance.now() - start) * 1000) / ITERATIONS);
  }
  if (sink === 0.5) console.log(sink); // keeps the results alive
  return median(perRound);
}

const rows: Record<string, string | number>[] = [];
for (const [name, text] of Object.entries(bodies)) {
  const buffer = Buffer.from(text);
  const event = parse(text);
  const receivedAt = new Date().toISOString();
  const key = dedupKey(event);
  const steps = {
    'parse (Fastify JSON parser)': () => parse(text),
    'validate (zod envelope)': () => parseEventBridgeBody(event).success && '',
    'dedup key (canonical JSON + SHA-256)': () => dedupKey(event),
    'added: UTF-8 check': () => isUtf8(buffer) && '',
    'added: body scan (depth, escapes, numbers, text)': () => scanEventBody(text).texts[0],
    'added: record line from the text': () =>
      `{"key":"${key}","id":${JSON.stringify(event.id)},"receivedAt":"${receivedAt}","event":${text}}`,
    'removed: JSON.stringify of the record': () => JSON.stringify({ key, id: event.id, receivedAt, event }),
    // What a lossless parse through JSON.parse's reviver (context.source, Node >= 21) would add on top of the parse.
    'not taken: JSON.parse with a reviver': () => JSON.parse(text, (_key, value: unknown) => value) as object && '',
  };
  for (const [step, fn] of Object.entries(steps)) {
    rows.push({ event: name, bytes: buffer.length, step, 'µs per event': round(measure(fn), 2) });
  }
}
console.log(`node ${process.version}, ${ITERATIONS} iterations x ${ROUNDS} rounds, medians`);
console.table(rows);
