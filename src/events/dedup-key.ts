import { hash } from 'node:crypto';
import { MAX_EVENT_DEPTH, type EventEnvelope } from './schemas.js';

/**
 * JSON with object keys sorted at every depth: the same event hashes the same however it was
 * serialised. Plain loops and one string: this runs for every event (docs/decisions.md, "Ingestion
 * per event"). The body parser refuses events
 * nested past MAX_EVENT_DEPTH, and the bound here keeps the recursion safe whoever calls it.
 */
export function canonicalJson(value: unknown, depth = 0): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (depth >= MAX_EVENT_DEPTH) throw new RangeError(`canonical JSON nested deeper than ${MAX_EVENT_DEPTH} levels`);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i], depth + 1);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, like `<` on strings.
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(v, depth + 1)}`;
    first = false;
  }
  return `${out}}`;
}

// The one-shot hash: no Hash object per event.
const sha256 = (s: string) => hash('sha256', s, 'hex');

/**
 * docs/contract.md §3: the key is the content (`detail-type` + `detail`), not the envelope id, because Genesys
 * may re-publish an event under a new id. An `Idempotency-Key` header replaces it; in an array
 * body every event gets `${key}:${index}`, so one header covers a whole batch and a retried
 * batch maps onto the same keys. The header is hashed too (in its own namespace) so stored keys
 * have one bounded shape whatever the client sends.
 */
export function dedupKey(event: EventEnvelope, idempotencyKey?: string, index?: number): string {
  if (idempotencyKey !== undefined) {
    // Separate namespaces: header "K:0" on one event must not meet "K" on an array's first event.
    return sha256(index === undefined
      ? `idempotency-key\n${idempotencyKey}`
      : `idempotency-key[]\n${idempotencyKey}\n${index}`);
  }
  return sha256(canonicalJson({ 'detail-type': event['detail-type'], detail: event.detail }));
}

/**
 * What "the same payload" means for a reused Idempotency-Key (docs/eventbridge.md): the whole
 * envelope's canonical JSON, so key order and whitespace do not count and any value does.
 */
export const fingerprintOf = (event: EventEnvelope) => sha256(`payload\n${canonicalJson(event)}`);
