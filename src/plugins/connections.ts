import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import fp from 'fastify-plugin';
import { Counter, Gauge } from 'prom-client';
import { errors, type AppError } from '../errors.js';
import { writeRawError } from './client-errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    inboundConnections: {
      /** Answers a parser-level error in the one error body (unless a response is under way), then closes. */
      refuse(socket: Socket, err: AppError): void;
    };
  }
}

const DEFAULT_MAX_CONNECTIONS = 1000;

/** The soft open-file limit (`ulimit -n`) where /proc tells it (Linux); undefined elsewhere or unlimited. */
function openFilesLimit(): number | undefined {
  try {
    const soft = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
    return soft === undefined ? undefined : Number(soft);
  } catch {
    return undefined;
  }
}

/**
 * Inbound connections: a bound on how many are open, one log line per episode of refusals, and
 * a drain that closes what would otherwise hold SIGTERM until its grace period. Node's own
 * checker (REQUEST_TIMEOUT_MS, HEADERS_TIMEOUT_MS) stops when the server closes, so at drain
 * every socket that is not answering a whole request is closed here: idle ones, silent ones and
 * stalled uploads (a 503 SHUTTING_DOWN first, so the client retries elsewhere).
 */
export default fp(async (app) => {
  const { server, log } = app;
  const limit = openFilesLimit();
  const configured = app.config.connections.maxConnections;
  // Half the descriptors stay for the sink, the stores and the outbound pools: past the limit,
  // accept() fails and libuv closes the surplus connections without a word.
  const max = configured ?? Math.min(DEFAULT_MAX_CONNECTIONS, limit ? Math.floor(limit / 2) : Infinity);
  if (configured !== undefined && limit !== undefined && configured > limit / 2) {
    log.warn({ maxConnections: configured, openFilesLimit: limit }, 'MAX_CONNECTIONS is over half the open-file limit: '
      + 'descriptors may run out before it is reached, and then new connections are closed without an answer');
  }
  server.maxConnections = max;

  const registers = [app.metrics.registry];
  const refused = new Counter({ registers, name: 'http_connections_refused_total',
    help: 'Inbound connections closed at once: over MAX_CONNECTIONS, or accept() failed (out of descriptors)',
    labelNames: ['reason'] });
  const clientErrors = new Counter({ registers, name: 'http_client_errors_total', labelNames: ['code'],
    help: 'Requests answered before routing: not HTTP, headers too large, or not received in time' });

  /** Each open socket that carries requests, and the response it owes, if a request has arrived on it. */
  const sockets = new Map<Socket, ServerResponse | undefined>();
  /**
   * Over HTTPS, the TCP sockets still in their TLS handshake, by their addresses: Node links a TCP
   * socket to the TLS socket over it by no public property, and the addresses name it uniquely.
   */
  const handshakes = new Map<string, Socket>();
  const secure = server instanceof TlsServer;
  const open = () => sockets.size + handshakes.size;
  new Gauge({ registers, name: 'http_connections_open', help: 'Open inbound connections', collect() {
    this.set(open());
  } });
  new Gauge({ registers, name: 'http_connections_max', help: 'MAX_CONNECTIONS in force' }).set(max);

  // One warning per episode of refusals; it ends when a connection is accepted again, or when
  // one closes below the limit.
  let refusing: 'max_connections' | 'accept_failed' | undefined;
  const refusal = (reason: NonNullable<typeof refusing>, err?: Error) => {
    refused.inc({ reason });
    if (refusing) return;
    refusing = reason;
    log.warn({ reason, maxConnections: max, open: open(), err }, 'refusing new connections until some close');
  };
  const recovered = () => {
    refusing = undefined;
    log.info({ open: open() }, 'accepting new connections again');
  };
  server.on('drop', () => refusal('max_connections'));
  app.addHook('onListen', async () => {
    // Only accept() fails once listening; without a listener its EMFILE would crash the process.
    server.on('error', (err: NodeJS.ErrnoException) => {
      if (err.syscall === 'accept') refusal('accept_failed', err);
      else log.error({ err }, 'inbound server error');
    });
  });
  const closed = () => {
    if (refusing === 'max_connections' && open() < max) recovered();
  };
  /** A socket requests arrive on: the TCP one over HTTP, the TLS one over HTTPS. */
  const carry = (socket: Socket) => {
    sockets.set(socket, undefined);
    socket.once('close', () => {
      sockets.delete(socket);
      closed();
    });
  };
  const addressOf = (s: Socket) => `${s.remoteAddress}:${s.remotePort}>${s.localAddress}:${s.localPort}`;
  server.on('connection', (socket: Socket) => {
    if (secure) {
      const address = addressOf(socket);
      handshakes.set(address, socket);
      socket.once('close', () => {
        if (handshakes.get(address) === socket) handshakes.delete(address);
        closed();
      });
    } else {
      carry(socket);
    }
    if (refusing) recovered();
  });
  server.on('secureConnection', (socket: Socket) => {
    handshakes.delete(addressOf(socket));
    carry(socket);
  });
  server.on('request', (req, res: ServerResponse) => {
    if (sockets.has(req.socket)) sockets.set(req.socket, res);
  });

  // A response in progress, or one already sent for a request whose body is still arriving (a 401
  // before the body): raw bytes written now would land inside it or after it.
  const answered = (res: ServerResponse | undefined) =>
    res !== undefined && res.headersSent && (!res.writableFinished || !res.req.complete);
  app.decorate('inboundConnections', {
    refuse(socket: Socket, err: AppError) {
      clientErrors.inc({ code: err.code });
      log.debug({ code: err.code }, 'client error answered before routing');
      if (!answered(sockets.get(socket))) writeRawError(socket, err);
      socket.destroy();
    },
  });

  app.addHook('preClose', async () => {
    for (const socket of handshakes.values()) socket.destroy();
    for (const [socket, res] of sockets) {
      const wholeRequest = res !== undefined && !res.writableFinished && res.req.complete;
      if (wholeRequest) continue; // answered, then closed (lifecycle.ts)
      if (res !== undefined && !res.writableFinished && !res.headersSent) writeRawError(socket, errors.shuttingDown());
      socket.destroy();
    }
  });
}, { name: 'connections', dependencies: ['config', 'metrics'] });
