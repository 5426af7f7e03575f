// Small node:http helpers shared by every backend. Kept dependency-free and allocation-light
// because the benchmarks push thousands of requests per second through them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Backend } from './types.js';
import type { SimState } from './state.js';

/** What a backend handler gets once the body has been read and faults have been applied. */
export interface Ctx {
  backend: Backend;
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string; // raw (still percent-encoded) path, without the query string
  query: Record<string, string>;
  body: unknown; // parsed JSON / form object, raw string if unparseable, undefined if empty
  jsonError: boolean; // true when a non-empty, non-form body was not valid JSON
  state: SimState;
}

export type Handler = (ctx: Ctx) => void;

// A cap so a runaway client cannot make the simulator buffer unbounded memory.
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export class BodyTooLarge extends Error {}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      done = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on('error', reject);
    // 'close' without 'end' means the client went away mid-body; settle so nothing leaks.
    req.on('close', () => {
      if (!done) reject(new Error('request aborted'));
    });
  });
}

export function splitUrl(url: string | undefined): { path: string; query: Record<string, string> } {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  if (q < 0) return { path: raw, query: {} };
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw.slice(q + 1))) query[k] = v;
  return { path: raw.slice(0, q), query };
}

export function parseBody(
  buf: Buffer,
  contentType: string | undefined,
): { body: unknown; jsonError: boolean } {
  if (buf.length === 0) return { body: undefined, jsonError: false };
  const text = buf.toString('utf8');
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return { body: Object.fromEntries(new URLSearchParams(text)), jsonError: false };
  }
  // Anything else is tried as JSON regardless of content-type: the collector and orders
  // backends should judge the payload, not the header.
  try {
    return { body: JSON.parse(text) as unknown, jsonError: false };
  } catch {
    return { body: text, jsonError: true };
  }
}

export function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  const buf = Buffer.from(JSON.stringify(payload));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': buf.length });
  res.end(buf);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-length': 0 });
  res.end();
}

export function notFound(ctx: Ctx): void {
  sendJson(ctx.res, 404, { error: 'not_found', message: `no route for ${ctx.method} ${ctx.path}` });
}

/** The user and password of an `Authorization: Basic` header. */
export function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+(\S+)$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  return { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

/** Cheap deterministic 32-bit FNV-1a hash, so generated data depends only on the id. */
export function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Generated records are dated back from this day. */
export const BASE = Date.UTC(2025, 0, 1);
export const DAY = 86_400_000;

/** The phone a hash gives: +1555 and seven digits, E.164. */
export const phoneFrom = (h: number) => `+1555${String(h % 10_000_000).padStart(7, '0')}`;

/** The item of `list` that `n` (a hash) picks. */
export const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;

/** A UUID-shaped deterministic id (Genesys ids are UUIDs). Not a real v4 UUID. */
export function fakeUuid(seed: string): string {
  const a = hash(seed).toString(16).padStart(8, '0');
  const b = hash(`${seed}#b`).toString(16).padStart(8, '0');
  const c = hash(`${seed}#c`).toString(16).padStart(8, '0');
  const d = hash(`${seed}#d`).toString(16).padStart(8, '0');
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-8${c.slice(1, 4)}-${c.slice(4)}${d}`;
}
