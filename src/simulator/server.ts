// One node:http server per backend (separate origins, like production), running the shared
// pipeline: control routes -> count hit -> take fault -> read body -> record -> latency -> fault
// kind or normal handler.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { handleControl } from './control.js';
import { retryAfterValue, writeFaultAnswer } from './faults.js';
import { BodyTooLarge, type Ctx, type Handler, parseBody, readBody, sendJson, splitUrl } from './http.js';
import type { SimState } from './state.js';
import type { Backend, Fault } from './types.js';

// Longer than typical client keep-alive idle timeouts (undici: 4 s, Node agent: 5 s... up to
// 60 s behind load balancers) so pooled connections are reused rather than raced on close.
const KEEP_ALIVE_MS = 65_000;

async function pipeline(
  backend: Backend,
  state: SimState,
  handler: Handler,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { path, query } = splitUrl(req.url);
  const method = req.method ?? 'GET';
  const control = path.startsWith('/__sim/');

  // Count and consume the fault on arrival, so `times` follows request order even when bodies
  // arrive at different speeds, and a hanging request is visible in hits() immediately.
  let fault: Fault | undefined;
  if (!control) {
    state.hits[backend] += 1;
    fault = state.takeFault(backend);
  }

  let buf: Buffer;
  try {
    buf = await readBody(req);
  } catch (err) {
    if (err instanceof BodyTooLarge) sendJson(res, 413, { error: 'payload_too_large' });
    else req.socket.destroy();
    return;
  }
  // Control bodies are always JSON: `curl -d '{...}'` sends a form content-type by default.
  const { body, jsonError } = parseBody(buf, control ? undefined : req.headers['content-type']);
  const ctx: Ctx = { backend, req, res, method, path, query, body, jsonError, state };
  if (control) return handleControl(ctx);

  if (state.settings.recordRequests) {
    const url = req.url ?? path;
    state.log[backend].push({ backend, method, url, path, query, headers: req.headers, body, at: Date.now() });
  }

  const delay = state.latency[backend] + (fault?.latencyMs ?? 0);
  if (delay > 0 && !(await state.sleep(delay))) return; // simulator closed while waiting

  if (fault?.kind === 'hang') return; // keep the socket open; close() destroys it
  if (fault?.kind === 'reset') {
    req.socket.destroy();
    return;
  }
  if (fault?.retryAfter) res.setHeader('retry-after', retryAfterValue(fault.retryAfter));
  if (fault && writeFaultAnswer(res, fault)) return;
  handler(ctx);
}

export function createBackendServer(backend: Backend, state: SimState, handler: Handler): Server {
  const server = createServer((req, res) => {
    pipeline(backend, state, handler, req, res).catch((err: unknown) => {
      // A handler bug must not crash the simulator mid-benchmark; surface it as a 500.
      if (!res.headersSent) sendJson(res, 500, { error: 'simulator_error', message: String(err) });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000; // must exceed keepAliveTimeout
  return server;
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      if (addr === null || typeof addr === 'string') reject(new Error('unexpected server address'));
      else resolve(addr.port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    // Destroy every socket, including ones with a hanging request, so close() never waits.
    server.closeAllConnections();
  });
}
