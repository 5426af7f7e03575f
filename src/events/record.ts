import type { ReceivedEvent } from './body.js';
import { dedupKey, fingerprintOf } from './dedup-key.js';
import type { EventRecord } from './sinks/types.js';

export interface Admission {
  receivedAt: string;
  idempotencyKey?: string;
  isArray: boolean;
}

/**
 * Admits one event: its dedup key, its fingerprint when an Idempotency-Key names it, and its
 * record line, built here once from the text as received; no sink serialises an event again.
 */
export function toRecord({ event, text }: ReceivedEvent, index: number, admission: Admission): EventRecord {
  const { receivedAt, idempotencyKey, isArray } = admission;
  const key = dedupKey(event, idempotencyKey, isArray ? index : undefined);
  const fingerprint = idempotencyKey === undefined ? undefined : fingerprintOf(event);
  const head = `{"key":"${key}","id":${JSON.stringify(event.id)},"receivedAt":"${receivedAt}"`;
  const line = `${head}${fingerprint === undefined ? '' : `,"fingerprint":"${fingerprint}"`},"event":${text}}`;
  return { key, id: event.id, receivedAt, fingerprint, event: text, line };
}
