// Answers for the fault kinds that replace normal handling. 'hang' and 'reset' are handled in
// server.ts because they must act on the socket rather than write a response.
import type { ServerResponse } from 'node:http';
import type { Fault } from './types.js';

export const GARBAGE_BODY = '{"id": "x", <<garbage';

// Built once: the bench may hit it repeatedly and rebuilding 2 MiB each time would skew results.
let oversize: Buffer | undefined;
export function oversizeBody(): Buffer {
  // Valid JSON just over 2 MiB, so only a client's size limit can reject it.
  oversize ??= Buffer.from(JSON.stringify({ id: 'oversize', padding: 'x'.repeat(2 * 1024 * 1024 + 1024) }));
  return oversize;
}

export function retryAfterValue(ra: NonNullable<Fault['retryAfter']>): string {
  return ra.format === 'seconds'
    ? String(Math.max(0, Math.round(ra.seconds)))
    : new Date(Date.now() + ra.seconds * 1000).toUTCString();
}

/** Writes the canned answer for 'status' / 'garbage' / 'oversize'. Returns false for other kinds. */
export function writeFaultAnswer(res: ServerResponse, fault: Fault): boolean {
  switch (fault.kind) {
    case 'status': {
      const status = fault.status ?? 500;
      // 1xx/204/304 must not carry a body per HTTP; everything else gets a small JSON message.
      if (status < 200 || status === 204 || status === 304) {
        res.writeHead(status);
        res.end();
        return true;
      }
      const buf = Buffer.from(JSON.stringify({ message: `simulated ${status}` }));
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': buf.length });
      res.end(buf);
      return true;
    }
    case 'garbage': {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(GARBAGE_BODY) });
      res.end(GARBAGE_BODY);
      return true;
    }
    case 'oversize': {
      const buf = oversizeBody();
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': buf.length });
      res.end(buf);
      return true;
    }
    default:
      return false;
  }
}
