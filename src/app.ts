import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import Fastify, { LogController, type FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import pino from 'pino';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import dataActionRoutes from './data-actions/routes.js';
import events from './events/plugin.js';
import { loggerOptions, RequestLogController, requestLines } from './logger.js';
import authPlugin from './plugins/auth.js';
import { clientErrorHandler } from './plugins/client-errors.js';
import connections from './plugins/connections.js';
import errorHandler from './plugins/error-handler.js';
import healthPlugin from './plugins/health.js';
import lifecycle from './plugins/lifecycle.js';
import metricsPlugin from './plugins/metrics.js';
import zodValidation from './plugins/zod-validation.js';
import loadShedding from './plugins/load-shedding.js';
import rateLimit from './plugins/rate-limit.js';
import tlsPlugin from './plugins/tls.js';
import openapi from './openapi/route-table.js';
import type { Metrics } from './metrics.js';
import { loadCertificatePair } from './tls.js';
import tracing from './tracing/plugin.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    /** The one clock of the app (src/clock.ts): budgets, retries, circuits, caches, tokens. */
    clock: Clock;
  }
}

export interface AppOverrides {
  /** A pino logger, pino options or false; the default logs JSON to stdout at LOG_LEVEL. */
  logger?: FastifyServerOptions['loggerInstance'] | FastifyServerOptions['logger'];
  /** Time for budgets, retries, circuits and caches; tests pass one they drive. */
  clock?: Clock;
  /** Turns tracing on with spans going here instead of OTLP; tests pass an in-memory exporter. */
  spanExporter?: SpanExporter;
  /** The metrics the app records into; the bench passes no-op ones to price them. */
  metrics?: Metrics;
  /**
   * Layers the bench's ablation switches off one at a time to price each (bench/README.md,
   * "Ablation"). Never read from the environment: a service runs every layer.
   */
  without?: readonly AblatedLayer[];
}

export type AblatedLayer = 'request-log' | 'rate-limit' | 'validation' | 'serialisation' | 'circuit';

/** No request line at all: what the log line costs (the ablation). */
class NoRequestLines extends LogController {
  override incomingRequest() {}
  override requestCompleted() {}
}

/** A caller's `x-request-id` names the request in the logs only if it is short and plain; else a UUID does. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const requestId = (req: IncomingMessage) => {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
};

/**
 * Builds the whole service as a plugin tree; `server.ts` owns listen and the process. With TLS
 * files configured, a certificate pair that cannot be served throws a ConfigError.
 */
export async function buildApp(config: Config, overrides: AppOverrides = {}) {
  const logger = overrides.logger ?? pino(loggerOptions(config));
  const without = new Set(overrides.without);
  const { requestTimeoutMs, headersTimeoutMs, keepAliveTimeoutMs } = config.connections;
  // Node checks both timeouts on a timer of its own: every second, or twice per headers timeout.
  const serverOptions = {
    requestTimeout: requestTimeoutMs,
    headersTimeout: headersTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, Math.ceil(headersTimeoutMs / 2)),
  };
  const tls = config.tls && { files: config.tls, initial: loadCertificatePair(config.tls) };
  const instance = typeof logger === 'object' && 'child' in logger ? logger : undefined;
  const app = Fastify({
    ...(instance ? { loggerInstance: instance } : { logger }),
    logController: without.has('request-log') ? new NoRequestLines() : new RequestLogController(requestLines(instance)),
    requestIdHeader: false,
    genReqId: requestId,
    bodyLimit: config.ingest.bodyLimitBytes,
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    // Fastify hands `http` to http.createServer only: an HTTPS server takes the same settings in
    // `https`, and a client silent during its handshake is bounded like one silent before its headers.
    ...(tls
      ? { https: { ...serverOptions, ...tls.initial.secureContextOptions(), handshakeTimeout: headersTimeoutMs } }
      : { http: serverOptions }),
    clientErrorHandler,
    // We answer 503 in the one error body ourselves (plugins/lifecycle.ts).
    return503OnClosing: false,
    routerOptions: { ignoreTrailingSlash: true },
  });

  app.decorate('config', config);
  app.decorate('clock', overrides.clock ?? systemClock);
  app.decorateRequest('outcome', undefined);
  await app.register(fp(async () => {}, { name: 'config' }));
  await app.register(tracing, { exporter: overrides.spanExporter });
  await app.register(lifecycle);
  await app.register(errorHandler);
  await app.register(zodValidation, {
    validation: !without.has('validation'),
    serialisation: !without.has('serialisation'),
  });
  await app.register(openapi);
  await app.register(metricsPlugin, { metrics: overrides.metrics });
  await app.register(connections);
  if (tls) await app.register(tlsPlugin, tls);
  await app.register(healthPlugin);
  await app.register(authPlugin);
  await app.register(loadShedding);
  if (without.has('rate-limit')) app.decorate('rateLimit', () => async () => {});
  else await app.register(rateLimit);
  await app.register(dataActionRoutes, { prefix: '/v1/data-actions', circuits: !without.has('circuit') });
  await app.register(events, { prefix: '/v1/events' });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
