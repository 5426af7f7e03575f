import { MAX_EVENTS_PER_REQUEST } from '../../src/events/schemas.js';
import { makeEvent, nestedDetail, withDetail } from '../events/helpers.js';

/** One hostile request and the answer docs/eventbridge.md (events) or the README (data actions) promise. */
export interface AttackCase {
  name: string;
  family: 'events' | 'data-actions';
  body: string | Buffer;
  /** null: no content-type header at all. */
  contentType?: string | null;
  status: number;
  /** The error code of a refusal. */
  code?: string;
  /** The fields a refusal names. */
  fields?: string[];
}

const LIMIT = 1_048_576; // INGEST_BODY_LIMIT_BYTES, the default
const json = (v: unknown) => JSON.stringify(v);
const deep = (levels: number, open: string, close: string, leaf = '1') =>
  `${open.repeat(levels)}${leaf}${close.repeat(levels)}`;
const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => Buffer.from(p)));
const event = () => json(makeEvent());
/** A sound event whose detail carries `text` under "x". */
const detailWith = (text: string) => withDetail(`{"x":${text}}`);
const action = (fields: string) => `{"customerId":"c-1"${fields}}`;
/** A sound event whose detail string "x" holds these raw bytes. */
function withBytes(raw: number[], text = '') {
  const [head, tail] = detailWith('"@@"').split('@@');
  return bytes(head!, text, raw, tail!);
}

type Case = Omit<AttackCase, 'family'>;
type Options = Pick<AttackCase, 'fields' | 'contentType'>;
/** A request the service takes: stored (events) or answered (data actions). */
const ok = (name: string, body: string | Buffer, opts: Options = {}): Case => ({ name, body, status: 200, ...opts });
/** A request the service refuses with `status` and `code`, naming `fields` when given. */
const no = (name: string, body: string | Buffer, status: number, code: string, opts: Options = {}): Case =>
  ({ name, body, status, code, ...opts });

const eventCases: Case[] = [
  // Depth: iterative parsing and scanning, refused before any hashing.
  no('detail nested 10,000 objects deep',
    withDetail(nestedDetail(10_000)), 400, 'VALIDATION_FAILED', { fields: ['detail'] }),
  no('detail nested 100,000 arrays deep',
    withDetail(nestedDetail(100_000, 'arrays')), 400, 'VALIDATION_FAILED', { fields: ['detail'] }),
  no('a bare array nested 200,000 deep', deep(200_000, '[', ']'), 400, 'VALIDATION_FAILED', { fields: ['0'] }),
  no('an array of events, the last nested deep',
    `[${event()},${withDetail(nestedDetail(5000))}]`, 400, 'VALIDATION_FAILED', { fields: ['1.detail'] }),
  no('"__proto__" at the bottom of deep nesting',
    detailWith(deep(5000, '{"a":', '}', '{"__proto__":{"polluted":1}}')), 400, 'INVALID_JSON'),
  // Prototype keys.
  no('"__proto__" in the envelope', event().replace('{', '{"__proto__":{"isAdmin":true},'), 400, 'INVALID_JSON'),
  no('"constructor": {"prototype": ...}',
    detailWith('{"constructor":{"prototype":{"polluted":1}}}'), 400, 'INVALID_JSON'),
  ok('plain "constructor" and "prototype" keys (harmless, stored)', detailWith('{"constructor":"c","prototype":"p"}')),
  // Size.
  ok('a string just under the body limit', detailWith(json('x'.repeat(LIMIT - 2048)))),
  no('a string over the body limit', detailWith(json('x'.repeat(LIMIT))), 413, 'PAYLOAD_TOO_LARGE'),
  ok('an array of 200,000 numbers', detailWith(json(Array.from({ length: 200_000 }, (_, i) => i % 10)))),
  ok('40,000 keys', detailWith(json(Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`k${i}`, i]))))),
  no(`an array of ${MAX_EVENTS_PER_REQUEST + 1} events`,
    `[${Array.from({ length: MAX_EVENTS_PER_REQUEST + 1 }, event).join(',')}]`,
    400,
    'VALIDATION_FAILED',
    { fields: ['body'] },
  ),
  no('an array of non-objects', '[1,"two",null]', 400, 'VALIDATION_FAILED', { fields: ['0', '1', '2'] }),
  no('an empty array', '[]', 400, 'VALIDATION_FAILED', { fields: ['body'] }),
  no('null', 'null', 400, 'VALIDATION_FAILED', { fields: ['body'] }),
  // Encodings.
  no('invalid UTF-8 (0xFF) in a string', withBytes([0xff], 'a'), 400, 'INVALID_JSON'),
  no('an overlong encoding of "/" (C0 AF)', withBytes([0xc0, 0xaf], 'a'), 400, 'INVALID_JSON'),
  no('an encoded surrogate (ED A0 80)', withBytes([0xed, 0xa0, 0x80], 'a'), 400, 'INVALID_JSON'),
  ok('a byte order mark before the JSON (ignored, stored)', bytes([0xef, 0xbb, 0xbf], event())),
  no('a raw NUL byte in a string', withBytes([0x00], 'a'), 400, 'INVALID_JSON'),
  no('an escaped \\u0000', detailWith('"a\\u0000b"'), 400, 'VALIDATION_FAILED', { fields: ['detail'] }),
  no('an unpaired surrogate escape', detailWith('"\\udfff"'), 400, 'VALIDATION_FAILED', { fields: ['detail'] }),
  // Content types.
  no('text/plain', event(), 415, 'UNSUPPORTED_MEDIA_TYPE', { contentType: 'text/plain' }),
  no('no content-type', Buffer.from(event()), 415, 'UNSUPPORTED_MEDIA_TYPE', { contentType: null }),
  no('application/x-www-form-urlencoded',
    'a=1', 415, 'UNSUPPORTED_MEDIA_TYPE', { contentType: 'application/x-www-form-urlencoded' }),
  no('charset=iso-8859-1 with a Latin-1 byte',
    withBytes([0xe9], 'caf'), 400, 'INVALID_JSON', { contentType: 'application/json; charset=iso-8859-1' }),
  ok('charset=utf-8 in capitals (stored)', event(), { contentType: 'Application/JSON; Charset=UTF-8' }),
  // Keys and numbers.
  ok('a duplicated key (the last counts, as in JSON.parse and jsonb; stored)',
    detailWith('1').replace('"x":1', '"x":1,"x":2')),
  no('1e400', detailWith('1e400'), 400, 'VALIDATION_FAILED', { fields: ['detail'] }),
  no('-1e-400', detailWith('-1e-400'), 400, 'VALIDATION_FAILED', { fields: ['detail'] }),
  ok('-0 (stored)', detailWith('-0')),
  ok('an integer beyond 2^53 (stored as sent)', detailWith('123456789012345678901234567890')),
  no('a number as the envelope id',
    event().replace(/"id":"[^"]+"/, '"id":1e400'), 400, 'VALIDATION_FAILED', { fields: ['id'] }),
  // Empty.
  no('an empty body', '', 400, 'INVALID_JSON'),
  no('a whitespace body', ' \r\n\t ', 400, 'INVALID_JSON'),
];

const dataActionCases: Case[] = [
  no('customerId nested 100,000 objects deep',
    `{"customerId":${deep(100_000, '{"a":', '}')}}`, 400, 'VALIDATION_FAILED', { fields: ['customerId'] }),
  ok('an unknown field nested 100,000 arrays deep (ignored)', action(`,"x":${deep(100_000, '[', ']')}`)),
  no('"__proto__" at the bottom of deep nesting',
    action(`,"x":${deep(5000, '{"a":', '}', '{"__proto__":{"polluted":1}}')}`), 400, 'INVALID_JSON'),
  no('"constructor": {"prototype": ...}', action(',"constructor":{"prototype":{"polluted":1}}'), 400, 'INVALID_JSON'),
  no('a string over the body limit', action(`,"x":${json('x'.repeat(LIMIT))}`), 413, 'PAYLOAD_TOO_LARGE'),
  ok('40,000 unknown keys (ignored)',
    json({ customerId: 'c-1', ...Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`k${i}`, i])) })),
  no('invalid UTF-8 in customerId',
    bytes('{"customerId":"c', [0xff], '"}'), 400, 'VALIDATION_FAILED', { fields: ['customerId'] }),
  no('an escaped \\u0000 in customerId',
    '{"customerId":"c\\u0000"}', 400, 'VALIDATION_FAILED', { fields: ['customerId'] }),
  ok('a byte order mark before the JSON', bytes([0xef, 0xbb, 0xbf], action(''))),
  no('text/plain', action(''), 400, 'VALIDATION_FAILED', { fields: ['body'], contentType: 'text/plain' }),
  no('no content-type', Buffer.from(action('')), 415, 'UNSUPPORTED_MEDIA_TYPE', { contentType: null }),
  ok('a duplicated customerId (the last counts)', '{"customerId":"c/../x","customerId":"c-1"}'),
  no('ordersLimit 1e400', action(',"ordersLimit":1e400'), 400, 'VALIDATION_FAILED', { fields: ['ordersLimit'] }),
  no('ordersLimit beyond 2^53',
    action(',"ordersLimit":123456789012345678901234567890'), 400, 'VALIDATION_FAILED', { fields: ['ordersLimit'] }),
  no('ordersLimit -0', action(',"ordersLimit":-0'), 400, 'VALIDATION_FAILED', { fields: ['ordersLimit'] }),
  no('an array body', `[${action('')}]`, 400, 'VALIDATION_FAILED', { fields: ['body'] }),
  no('an empty body', '', 400, 'INVALID_JSON'),
  no('a whitespace body', '   ', 400, 'INVALID_JSON'),
];

export const ATTACKS: AttackCase[] = [
  ...eventCases.map((c) => ({ ...c, family: 'events' as const })),
  ...dataActionCases.map((c) => ({ ...c, family: 'data-actions' as const })),
];
