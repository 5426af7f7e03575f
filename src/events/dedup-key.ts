import { createHash } from 'node:crypto';
import type { EventEnvelope } from './schemas.js';

/** JSON with object keys sorted at every depth: the same event hashes the same however it was serialised. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * SPEC §4: the key is the content (`detail-type` + `detail`), not the envelope id, because Genesys
 * may re-publish an event under a new id. An `Idempotency-Key` header replaces it; in an array
 * body every event gets `${key}:${index}`, so one header covers a whole batch and a retried
 * batch maps onto the same keys. The header is hashed too (in its own namespace) so stored keys
 * have one bounded shape whatever the client sends.
 */
export function dedupKey(event: EventEnvelope, idempotencyKey?: string, index?: number): string {
  if (idempotencyKey !== undefined) {
    // Separate namespaces: header "K:0" on one event must not meet "K" on an array's first event.
    return sha256(index === undefined ? `idempotency-key\n${idempotencyKey}` : `idempotency-key[]\n${idempotencyKey}\n${index}`);
  }
  return sha256(canonicalJson({ 'detail-type': event['detail-type'], detail: event.detail }));
}
