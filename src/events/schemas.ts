import { z } from 'zod';

// The EventBridge envelope exactly as an API destination sends it (docs/contract.md §3), checked against the
// real Genesys payloads in test/events/fixtures/. Loose: EventBridge adds fields of its own
// (`replay-name` on replayed events), and they are stored with the event.
export const eventEnvelopeSchema = z.looseObject({
  version: z.string().describe('Envelope version, "0" for every EventBridge event'),
  id: z.string().min(1).max(256).describe('Envelope id; a re-published event gets a new one'),
  'detail-type': z.string().min(1)
    .describe('Genesys topic template, e.g. v2.detail.events.conversation.{id}.customer.start'),
  source: z.string().min(1).describe('Partner event source, e.g. aws.partner/genesys.com/cloud/<org>/<name>'),
  account: z.string().describe('AWS account id'),
  time: z.iso.datetime({ offset: true }).describe('When the event was published, ISO 8601'),
  region: z.string().describe('AWS region'),
  resources: z.array(z.string()).describe('ARNs the event concerns (empty for Genesys events)'),
  detail: z.record(z.string(), z.unknown())
    .describe('The Genesys event: { topicName, version, eventBody, metadata, timestamp }'),
}).describe('One EventBridge event envelope');

export const MAX_EVENTS_PER_REQUEST = 100;

/**
 * How deep one event may nest objects and arrays, the envelope being level 1 (docs/eventbridge.md).
 * Genesys events stay under 10 levels; the bound keeps every walk over an event (the dedup key's
 * canonical JSON included) far from the stack limit, and is checked before any hashing or writing.
 */
export const MAX_EVENT_DEPTH = 64;

export const eventBatchSchema = z.array(eventEnvelopeSchema).min(1).max(MAX_EVENTS_PER_REQUEST)
  .describe(`A JSON array of 1 to ${MAX_EVENTS_PER_REQUEST} envelopes (producers other than API destinations)`);

export const eventBridgeBodySchema = z.union([eventEnvelopeSchema, eventBatchSchema])
  .describe('One envelope, as an EventBridge API destination sends it, or an array of envelopes');

export const eventBridgeHeadersSchema = z.looseObject({
  'idempotency-key': z.string().min(1).max(256).optional()
    .describe('Replaces the content-derived dedup key; for an array body the event index is appended '
      + '(key:0, key:1, ...)'),
});

export const eventResultSchema = z.object({
  id: z.string().describe('Envelope id as received'),
  status: z.enum(['accepted', 'duplicate']).describe('accepted: stored now; duplicate: stored before'),
});

export const ingestResponseSchema = z.object({
  accepted: z.number().int().describe('Events stored by this request'),
  duplicates: z.number().int().describe('Events that were already stored'),
  results: z.array(eventResultSchema).describe('One entry per event, in request order'),
}).describe('Every event of the request is durable');

export type EventEnvelope = z.output<typeof eventEnvelopeSchema>;
export type EventResult = z.output<typeof eventResultSchema>;
export type IngestResponse = z.output<typeof ingestResponseSchema>;

/**
 * Validates the body against the branch its JSON type selects, so a bad array element is named
 * by its index ("3.detail") instead of zod's unhelpful "invalid union" at the root.
 */
export function parseEventBridgeBody(data: unknown) {
  return Array.isArray(data) ? eventBatchSchema.safeParse(data) : eventEnvelopeSchema.safeParse(data);
}
