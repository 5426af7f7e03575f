import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { type Logger, type LoggerOptions } from 'pino';
import type { Config } from './config.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * What the route did, for its log line: a data action's `complete` and each source's status
     * and latency; an ingestion's counts and the batches its events rode in.
     */
    outcome: Record<string, unknown> | undefined;
  }
}

/** Pino options shared by the server and the demo: JSON lines, secrets redacted wherever they hide. */
export function loggerOptions(config: Pick<Config, 'logLevel' | 'auth'>): LoggerOptions {
  const headers = ['authorization', 'x-api-key', 'cookie', config.auth.ingest.apiKeyHeader];
  return {
    level: config.logLevel,
    redact: {
      paths: [
        ...[...new Set(headers)].flatMap((h) => [`headers["${h}"]`, `*.headers["${h}"]`]),
        '*.clientSecret', '*.client_secret', '*.apiKey', '*.password', '*.access_token', '*.token',
      ],
      censor: '[redacted]',
    },
  };
}

/**
 * A logger for the request lines of `logger`: the same stream, level and base fields, without the
 * redaction, which costs more than the rest of a line (docs/decisions.md, "The request log line").
 * A line only holds what the service itself puts in it, so it needs none. Undefined for a logger
 * that is off or not pino's.
 */
export function requestLines(logger: FastifyBaseLogger | undefined): Logger | undefined {
  const stream = (logger as Partial<Record<symbol, unknown>> | undefined)?.[pino.symbols.streamSym];
  if (!logger || !stream || logger.level === 'silent') return undefined;
  return pino({ level: logger.level }, stream as pino.DestinationStream);
}

/**
 * One line per request (docs/contract.md, "Operations") instead of Fastify's two: written when the response is done,
 * with the request id (bound by Fastify), method, route, status, time, credential name, what the route did
 * (`request.outcome`) and, when the request is traced, its trace id. An answer with an error goes
 * through the request's own (redacting) logger: an error is the one thing a line may carry from elsewhere.
 */
const INFO = pino.levels.values.info!;

export class RequestLogController extends LogController {
  constructor(private readonly lines?: Logger) {
    super();
  }

  override incomingRequest() {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    const line = {
      method: request.method,
      route: request.routeOptions.url ?? 'unknown',
      url: request.url,
      statusCode: reply.statusCode,
      responseTimeMs: Math.round(reply.elapsedTime * 10) / 10,
      principal: request.principal,
      ...request.outcome,
      traceId: request.trace?.traceId,
      err: error ?? undefined,
    };
    if (error || reply.statusCode >= 500) request.log.error(line, 'request');
    // The route's own level still decides (health and metrics log at warn).
    else if (this.lines && (pino.levels.values[request.log.level] ?? Infinity) <= INFO) {
      this.lines.info({ reqId: request.id, ...line }, 'request');
    }
    else request.log.info(line, 'request');
  }
}
