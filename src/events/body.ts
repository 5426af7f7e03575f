import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../errors.js';
import { scanEventBody } from './json-scan.js';
import { parseEventBridgeBody, type EventEnvelope } from './schemas.js';

/** What the events route's parser hands to validation: the parsed JSON and each event's text as sent. */
class ReceivedBody {
  constructor(readonly json: unknown, readonly texts: string[]) {}
}

/** One validated event and its JSON text, which the sinks store as sent (numbers keep every digit). */
export interface ReceivedEvent {
  event: EventEnvelope;
  text: string;
}

export interface ReceivedEvents {
  events: ReceivedEvent[];
  isArray: boolean;
}

/**
 * The events route's only body parser (other media types get 415): UTF-8 JSON (RFC 8259 §8.1; other
 * bytes would be stored as replacement characters), `__proto__` and `constructor.prototype` keys
 * refused as by Fastify's own parser, then one iterative scan that refuses what no sink can
 * store (nesting past MAX_EVENT_DEPTH, \u0000, numbers beyond a double) before any hashing.
 */
export function eventBodyParser(app: FastifyInstance) {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  return (request: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
    if (!isUtf8(body)) return done(errors.invalidJson());
    // RFC 8259 §8.1 lets a parser ignore a byte order mark; it is not part of the event.
    const text = body.toString('utf8').replace(/^\uFEFF/, '');
    parseJson(request, text, (err, json) => {
      if (err) return done(err);
      const { texts, problems } = scanEventBody(text);
      if (Object.keys(problems).length > 0) return done(errors.validation(problems));
      done(null, new ReceivedBody(json, texts));
    });
  };
}

/** Validates a parsed body: one envelope or an array of them, each paired with its text. */
export function validateEventBody(data: unknown) {
  const body = data instanceof ReceivedBody ? data : new ReceivedBody(data, []);
  const result = parseEventBridgeBody(body.json);
  if (!result.success) return result;
  const isArray = Array.isArray(result.data);
  const events = Array.isArray(result.data) ? result.data : [result.data];
  const value: ReceivedEvents = { isArray, events: events.map((event, i) => ({ event, text: body.texts[i]! })) };
  return { success: true as const, data: value };
}
