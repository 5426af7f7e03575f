import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { LoggerOptions } from 'pino';
import type { Config } from './config.js';

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
 * with the request id (bound by Fastify), method, route, status, time and credential name.
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
      err: error ?? undefined,
    };
    if (error || reply.statusCode >= 500) request.log.error(line, 'request');
    else request.log.info(line, 'request');
  }
}
