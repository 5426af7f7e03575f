import type { FieldProblems } from '../errors.js';
import { isSpace, minify, QUOTE, stringEnd, unstorableEscape, unstorableNumber } from './json-tokens.js';
import { MAX_EVENT_DEPTH } from './schemas.js';

/** One pass over a request body that JSON.parse accepted: each event's text and what no sink can store. */
export interface ScannedBody {
  /** Each event's JSON text as sent, without insignificant whitespace (one NDJSON line each). */
  texts: string[];
  /** By field ("detail", "3.detail"): nesting past MAX_EVENT_DEPTH, unstorable strings or numbers. */
  problems: FieldProblems;
}

const COLON = 0x3a;
const COMMA = 0x2c;
const CLOSE_BRACKET = 0x5d;
const isOpen = (c: number) => c === 0x7b || c === 0x5b;
const isClose = (c: number) => c === 0x7d || c === 0x5d;
const isNumberStart = (c: number) => c === 0x2d || (c >= 0x30 && c <= 0x39);
const NUMBER_CHARS = /[-+.eE0-9]*/y;
const UNSTORABLE_STRING = 'holds \\u0000 or an unpaired surrogate, which cannot be stored';

/**
 * Iterative on purpose: a body nested a million levels deep costs one counter, never a stack
 * frame. Depth counts from each event (the envelope is level 1), not from an array around them.
 */
export function scanEventBody(text: string): ScannedBody {
  const problems: FieldProblems = {};
  const texts: string[] = [];
  const first = text.search(/\S/);
  const isArray = text.charCodeAt(first) === 0x5b;
  // The depth at which an event's own fields sit.
  const rootDepth = isArray ? 2 : 1;
  let depth = 0;
  let index = 0;
  let field: string | undefined;
  let eventStart = isArray ? -1 : first;
  let spaced = false;
  // The next backslash at or after the scan, found once per backslash: a search per string
  // would read the rest of the body for every string of a body without any.
  let backslash = text.indexOf('\\');
  const problem = (message: string) => {
    const name = [isArray ? String(index) : undefined, field].filter((p) => p !== undefined).join('.') || 'body';
    problems[name] ??= message;
  };
  const endEvent = (end: number) => {
    const slice = text.slice(eventStart, end).trimEnd();
    texts.push(spaced ? minify(slice) : slice);
    eventStart = -1;
    spaced = false;
  };

  for (let i = first; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      if (eventStart !== -1) spaced = true;
      continue;
    }
    if (isArray && depth === 1) {
      // Between the events of an array body.
      if (c === COMMA || c === CLOSE_BRACKET) {
        if (eventStart !== -1) endEvent(i);
        if (c === COMMA) index++;
        else depth--;
        field = undefined;
        continue;
      }
      if (eventStart === -1) eventStart = i;
    }
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (backslash !== -1 && backslash < i) backslash = text.indexOf('\\', i);
      const escaped = backslash !== -1 && backslash < end;
      if (depth === rootDepth) {
        let next = end + 1;
        while (isSpace(text.charCodeAt(next))) next++;
        if (text.charCodeAt(next) === COLON) {
          field = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
        }
      }
      if (escaped && unstorableEscape(text, backslash, end)) problem(UNSTORABLE_STRING);
      i = end;
    } else if (isOpen(c)) {
      depth++;
      if (depth - rootDepth === MAX_EVENT_DEPTH) problem(`is nested deeper than ${MAX_EVENT_DEPTH} levels`);
    } else if (isClose(c)) {
      depth--;
    } else if (isNumberStart(c)) {
      NUMBER_CHARS.lastIndex = i;
      NUMBER_CHARS.test(text);
      const number = text.slice(i, NUMBER_CHARS.lastIndex);
      if (unstorableNumber(number)) problem('holds a number beyond the range of a double');
      i = NUMBER_CHARS.lastIndex - 1;
    }
  }
  if (!isArray) endEvent(text.length);
  return { texts, problems };
}
