import type { Inputs } from '../sources/definition.js';

// A declared request (docs/backends.md, "Requests"): `{name}` placeholders in its path, query and
// body take data-action inputs; `{$remaining}` takes the number of items still wanted on this
// page. Compiled once at start into parts, filled per call.

const PLACEHOLDER = /\{(\$remaining|[A-Za-z][A-Za-z0-9_-]*)\}/g;
export const REMAINING = '$remaining';

type Part = string | { input: string };

/** The text around placeholders and the placeholders themselves, in order. */
function parts(template: string): Part[] {
  const out: Part[] = [];
  let at = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (m.index > at) out.push(template.slice(at, m.index));
    out.push({ input: m[1]! });
    at = m.index + m[0].length;
  }
  if (at < template.length) out.push(template.slice(at));
  return out;
}

/** Every input a template refers to, at any depth. */
export function placeholders(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  if (Array.isArray(value)) return value.flatMap(placeholders);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(placeholders);
  return [];
}

const ABSENT = Symbol('absent input');

/** A string template: a lone placeholder keeps its input's type; text around one makes a string. */
function compileString(template: string, encode: (s: string) => string = String) {
  const compiled = parts(template);
  const lone = compiled.length === 1 && typeof compiled[0] === 'object' ? compiled[0].input : undefined;
  return (inputs: Inputs): unknown => {
    if (lone !== undefined) return inputs[lone] === undefined ? ABSENT : inputs[lone];
    let out = '';
    for (const part of compiled) {
      if (typeof part === 'string') out += part;
      else if (inputs[part.input] === undefined) return ABSENT;
      else out += encode(String(inputs[part.input]));
    }
    return out;
  };
}

/** A JSON body template: an object key whose value needs an absent input is left out. */
function compileBody(template: unknown): (inputs: Inputs) => unknown {
  if (typeof template === 'string') return compileString(template);
  if (Array.isArray(template)) {
    const items = template.map(compileBody);
    return (inputs) => items.map((item) => item(inputs)).filter((v) => v !== ABSENT);
  }
  if (template !== null && typeof template === 'object') {
    const entries = Object.entries(template).map(([k, v]) => [k, compileBody(v)] as const);
    return (inputs) => {
      const out: Record<string, unknown> = {};
      for (const [k, fill] of entries) {
        const v = fill(inputs);
        if (v !== ABSENT) out[k] = v;
      }
      return out;
    };
  }
  return () => template;
}

/**
 * A "." or ".." path segment: URL parsing resolves it away (RFC 3986 §5.2.4, also written %2e), so
 * customerId "..", placed in /users/{customerId}/tickets, would ask for /tickets with the backend's
 * credentials. No record has such an id: the request is not made.
 */
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

export interface RequestTemplate {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | boolean>;
  body?: Record<string, unknown>;
}

export interface FilledRequest {
  /** Path and query, to append to the base URL. */
  target: string;
  body?: unknown;
}

export function compileRequest(template: RequestTemplate) {
  const path = compileString(template.path, encodeURIComponent);
  const query = Object.entries(template.query ?? {}).map(([k, v]) => [k, compileString(String(v))] as const);
  const body = template.body === undefined ? undefined : compileBody(template.body);
  /** `extra` adds a cursor to the query or the body of a later page; undefined when an input would be a dot segment. */
  return (inputs: Inputs, extra: { query?: Record<string, string>; body?: Record<string, string> } = {}):
  FilledRequest | undefined => {
    const filledPath = path(inputs);
    if (filledPath === ABSENT) throw new Error('a path placeholder has no input (the definition requires it)');
    if (DOT_SEGMENT.test(String(filledPath))) return undefined;
    const search = new URLSearchParams();
    for (const [k, fill] of query) {
      const v = fill(inputs);
      if (v !== ABSENT) search.set(k, String(v));
    }
    for (const [k, v] of Object.entries(extra.query ?? {})) search.set(k, v);
    const qs = search.toString();
    const filledBody = body?.(inputs) as Record<string, unknown> | undefined;
    return {
      target: `${String(filledPath)}${qs ? `?${qs}` : ''}`,
      ...((filledBody !== undefined || extra.body !== undefined) && { body: { ...filledBody, ...extra.body } }),
    };
  };
}
