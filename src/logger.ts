import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { LoggerOptions } from 'pino';
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
 * One line per request (docs/contract.md, "Operations") instead of Fastify's two: written when the response is done,
 * with the request id (bound by Fastify), method, route, status, time, credential name, what the route did
 * (`request.outcome`) and, when the request is traced, its trace id.
 */
export class RequestLogController extends LogController {
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
    else request.log.info(line, 'request');
  }
}
