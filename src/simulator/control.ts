// HTTP control API under /__sim, served by every backend server so another process (a test
// runner, the demo's curl user) can switch faults without holding the Simulator object.
// Control calls bypass faults and latency and are not counted as hits.
import { type Ctx, sendEmpty, sendJson } from './http.js';
import { BACKENDS, isBackend } from './types.js';

const FAULT_PREFIX = '/__sim/faults/';
const REQUESTS_PREFIX = '/__sim/requests/';

function bad(ctx: Ctx, message: string): void {
  sendJson(ctx.res, 400, { error: 'bad_request', message });
}

/**
 * 204, or what changed as JSON when the client asks for it with `Prefer: return=representation`
 * (RFC 7240): the demo's curl hints do, so that a fault command prints what it did.
 */
function changed(ctx: Ctx, what: Record<string, unknown>): void {
  if (/\breturn=representation\b/i.test(String(ctx.req.headers.prefer ?? ''))) return sendJson(ctx.res, 200, what);
  sendEmpty(ctx.res, 204);
}

export function handleControl(ctx: Ctx): void {
  const { method, path, state } = ctx;
  if (ctx.jsonError) return bad(ctx, 'body must be valid JSON');
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  try {
    if (method === 'POST' && path.startsWith(FAULT_PREFIX)) {
      const backend = path.slice(FAULT_PREFIX.length);
      if (!isBackend(backend)) return bad(ctx, `unknown backend ${backend}`);
      state.setFault(backend, body);
      return changed(ctx, { backend, fault: body });
    }
    if (method === 'DELETE' && path === '/__sim/faults') {
      state.clearFaults();
      return changed(ctx, { faults: 'cleared' });
    }
    if (method === 'POST' && path === '/__sim/latency') {
      const backend = body.backend;
      if (backend !== 'all' && !isBackend(backend)) return bad(ctx, 'backend must be a backend name or "all"');
      if (typeof body.ms !== 'number') return bad(ctx, 'ms must be a number');
      state.setLatency(backend, body.ms);
      return changed(ctx, { backend, latencyMs: body.ms });
    }
    if (method === 'GET' && path === '/__sim/hits') {
      return sendJson(ctx.res, 200, Object.fromEntries(BACKENDS.map((b) => [b, state.hits[b]])));
    }
    if (method === 'POST' && path === '/__sim/reset') {
      state.reset();
      return sendEmpty(ctx.res, 204);
    }
    if (method === 'GET' && path === '/__sim/collected') return sendJson(ctx.res, 200, state.collected);
    // Extras beyond the agreed list, mirroring the TS API for out-of-process users.
    if (method === 'POST' && path === '/__sim/revoke-tokens') {
      state.revokeTokens();
      return sendEmpty(ctx.res, 204);
    }
    if (method === 'POST' && path === '/__sim/configure') {
      state.configure(body as Parameters<typeof state.configure>[0]);
      return sendEmpty(ctx.res, 204);
    }
    if (method === 'GET' && path === '/__sim/rate-limit') return sendJson(ctx.res, 200, state.apiLimit.snapshot());
    if (method === 'GET' && path.startsWith(REQUESTS_PREFIX)) {
      const backend = path.slice(REQUESTS_PREFIX.length);
      if (!isBackend(backend)) return bad(ctx, `unknown backend ${backend}`);
      return sendJson(ctx.res, 200, state.log[backend]);
    }
  } catch (err) {
    // Validation errors from state (bad fault, bad latency) become 400s, not crashes.
    return bad(ctx, err instanceof Error ? err.message : String(err));
  }
  sendJson(ctx.res, 404, { error: 'not_found', message: `no control route ${method} ${path}` });
}
