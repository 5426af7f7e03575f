import { z } from 'zod';
import { bool, int, list, optional, optionalInt, parseVariables, text, url } from './env.js';
import { loadBackends } from './backends/load.js';
import { BUILT_IN_SOURCES } from './sources/index.js';
import { tracingSettings, tracingVariables } from './tracing/settings.js';
import type { ConfiguredSource, SourceDefinition } from './sources/definition.js';

// Every variable of the service (docs/contract.md, "Variables"): the ones below, plus each
// backend's own, declared in its definition (src/sources/). Parsed once at start; the rest of the
// code reads `Config`.

const basicPairs = list.pipe(
  z.array(z.string().regex(/^[^:]+:.+$/, 'each entry must be user:password')),
).transform((pairs) => pairs.map((p) => {
  const i = p.indexOf(':');
  return { user: p.slice(0, i), password: p.slice(i + 1) };
}));

// Each variable's `description` is the one docs/contract.md and the README show (npm run openapi).
const d = <T extends z.ZodType>(schema: T, description: string) => schema.meta({ description });

const fields = z.object({
  PORT: d(int(8080, 0, 65535), 'listen port'),
  HOST: d(text.transform((v) => v ?? '0.0.0.0'), 'listen address'),
  TLS_CERT_FILE: d(text, 'PEM file of the server certificate, its intermediates after it; with `TLS_KEY_FILE` the '
    + 'service listens in HTTPS (TLS 1.2+, HTTP/1.1) and reloads both files when they change or on SIGHUP '
    + '(docs/operations.md, "HTTPS"); unset: plain HTTP'),
  TLS_KEY_FILE: d(text, 'PEM file of the private key of `TLS_CERT_FILE` (unencrypted)'),
  LOG_LEVEL: d(optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .transform((v) => v ?? 'info'), 'pino level (`fatal` ... `trace`, `silent`)'),
  DATA_ACTION_API_KEYS: d(list,
    'comma-separated keys accepted in `x-api-key` on `/v1/data-actions/*` (several allow rotation)'),
  DATA_ACTION_BASIC_AUTH: d(basicPairs,
    'comma-separated `user:password` pairs accepted as HTTP Basic on `/v1/data-actions/*`'),
  INGEST_API_KEYS: d(list, 'comma-separated keys accepted on `/v1/events/*` (EventBridge connection of type API key)'),
  INGEST_API_KEY_HEADER: d(optional(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name'))
    .transform((v) => (v ?? 'x-api-key').toLowerCase()), 'header name of the EventBridge connection'),
  INGEST_BASIC_AUTH: d(basicPairs, '`user:password` pairs for an EventBridge connection of type Basic'),
  AUTH_DISABLED: d(bool, 'only for local demos, logged as a warning at every start; without it a route family with '
    + 'no credentials refuses to start'),
  DATA_ACTION_DEADLINE_MS: d(int(2500, 100, 60_000), 'overall budget of one data-action request, from its arrival'),
  BACKENDS_FILE: d(text, 'YAML or JSON file declaring the data actions\' backends beside the Genesys user '
    + '(docs/backends.md); unset: the built-in CRM and orders (`backends/default.yaml`)'),
  CACHE_MAX_ENTRIES: d(int(10_000, 1), 'entries per backend cache'),
  CIRCUIT_FAILURE_THRESHOLD: d(int(5, 1), 'consecutive failures that open a backend\'s circuit'),
  CIRCUIT_RESET_MS: d(int(10_000, 100), 'time an open circuit waits before one probe'),
  // Per credential: one Genesys integration serves a whole contact centre (~100 data actions/s at peak).
  RATE_LIMIT_MAX: d(int(6000, 1), 'inbound requests per credential and window on the data-action routes'),
  RATE_LIMIT_WINDOW_MS: d(int(60_000, 1000), 'window of the inbound rate limit'),
  INGEST_SINK: d(optional(z.enum(['file', 'postgres', 'http'])).transform((v) => v ?? 'file'),
    '`file`, `postgres` or `http`'),
  INGEST_FILE_DIR: d(text.transform((v) => v ?? './data/events'), 'NDJSON sink folder (daily files)'),
  DATABASE_URL: d(optional(z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' })),
    'PostgreSQL for `INGEST_SINK=postgres`'),
  DATABASE_POOL_MAX: d(int(10, 1, 100), 'PostgreSQL connections'),
  INGEST_HTTP_URL: d(url, 'downstream collector for `INGEST_SINK=http` (one JSON POST per batch)'),
  INGEST_HTTP_TIMEOUT_MS: d(int(3000, 100, 4500),
    'budget of one batch POST to the collector, retries included (< EventBridge\'s 5 s)'),
  INGEST_BODY_LIMIT_BYTES: d(int(1_048_576, 1024), 'request body limit (413 past it)'),
  INGEST_QUEUE_MAX: d(int(10_000, 1), 'events waiting for a sink write; past it 429 with `retry-after`'),
  REDIS_URL: d(optional(z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })),
    'when set, the dedup store, the rate-limit counters and the Genesys API budget are shared through Redis'),
  DEDUP_TTL_SECONDS: d(int(86_400, 1), 'how long a stored event key is remembered (EventBridge retries for 24 h)'),
  DEDUP_MAX_ENTRIES: d(int(500_000, 1), 'bound of the in-memory dedup store'),
  BATCH_MAX_SIZE: d(int(500, 1, 10_000), 'events per sink write at most'),
  BATCH_MAX_WAIT_MS: d(int(0, 0, 1000), 'how long an idle sink waits for more events (linger)'),
  SHUTDOWN_TIMEOUT_MS: d(int(10_000, 100), 'how long SIGTERM waits for the drain before forcing exit'),
  // Inbound connections (plugins/connections.ts). A request still arriving after 5 s has lost its
  // caller: EventBridge gives up at 5 s, a Genesys data action at its timeoutSeconds (4 s by
  // default, docs/genesys-data-actions.md). Headers come in one packet from either.
  REQUEST_TIMEOUT_MS: d(int(5000, 100, 600_000),
    'time a client has to send a whole request; past it 408 `REQUEST_TIMEOUT` and the connection closes'),
  HEADERS_TIMEOUT_MS: d(int(2000, 100, 600_000),
    'time a client has to send its headers (or anything, on a new connection); <= `REQUEST_TIMEOUT_MS`'),
  // Longer than the 60 s idle timeout of AWS load balancers: the balancer closes an idle
  // connection first, never the service under a request the balancer is sending.
  KEEP_ALIVE_TIMEOUT_MS: d(int(72_000, 1000, 600_000), 'how long an idle keep-alive connection stays open'),
  MAX_CONNECTIONS: d(optionalInt(1), 'open inbound connections at most; unset: 1000, or half the open-file limit '
    + '(`ulimit -n`) when lower. Past it new connections are closed at once, logged once per episode'),
  MAX_EVENT_LOOP_DELAY_MS: d(int(1000, 0),
    'load shedding (503 `OVERLOADED`) past this event-loop delay; 0 turns it off'),
  // Off by default: a loop busy 98% of the time is a saturated service, not a late one, and
  // shedding then turns throughput into 503s (docs/decisions.md). The delay check is the one that
  // predicts missed deadlines. Set e.g. 0.98 to add it.
  MAX_EVENT_LOOP_UTILIZATION: d(optional(z.coerce.number().min(0).max(1)).transform((v) => v ?? 0),
    'load shedding past this event-loop utilisation (0-1); 0 turns it off'),
  ...tracingVariables,
});

type Env = z.output<typeof fields>;

/** The service's own variables (each backend declares its own), for the generated documentation. */
export const serviceVariables = fields.shape;

/** Rules across variables. They run on whatever parsed, so one message can list every problem. */
function crossChecks(env: Partial<Env>): string[] {
  const problems: string[] = [];
  const problem = (name: string, message: string) => problems.push(`${name}: ${message}`);
  if (env.AUTH_DISABLED === false) {
    if (env.DATA_ACTION_API_KEYS?.length === 0 && env.DATA_ACTION_BASIC_AUTH?.length === 0) {
      problem('DATA_ACTION_API_KEYS', 'no credentials for /v1/data-actions/*: set DATA_ACTION_API_KEYS or '
        + 'DATA_ACTION_BASIC_AUTH (or AUTH_DISABLED=true for a local demo)');
    }
    if (env.INGEST_API_KEYS?.length === 0 && env.INGEST_BASIC_AUTH?.length === 0) {
      problem('INGEST_API_KEYS', 'no credentials for /v1/events/*: set INGEST_API_KEYS or INGEST_BASIC_AUTH '
        + '(or AUTH_DISABLED=true for a local demo)');
    }
  }
  // Half an HTTPS configuration is a mistake, not a request for plain HTTP.
  if (env.TLS_CERT_FILE && !env.TLS_KEY_FILE) problem('TLS_KEY_FILE', 'required when TLS_CERT_FILE is set');
  if (env.TLS_KEY_FILE && !env.TLS_CERT_FILE) problem('TLS_CERT_FILE', 'required when TLS_KEY_FILE is set');
  const { HEADERS_TIMEOUT_MS: headersMs, REQUEST_TIMEOUT_MS: requestMs } = env;
  // Node refuses to start a server whose header timeout is longer than its request timeout.
  if (headersMs !== undefined && requestMs !== undefined && headersMs > requestMs) {
    problem('HEADERS_TIMEOUT_MS', `must be <= REQUEST_TIMEOUT_MS (${requestMs})`);
  }
  if (env.INGEST_SINK === 'postgres' && !env.DATABASE_URL) {
    problem('DATABASE_URL', 'required when INGEST_SINK=postgres');
  }
  if (env.INGEST_SINK === 'http' && !env.INGEST_HTTP_URL) problem('INGEST_HTTP_URL', 'required when INGEST_SINK=http');
  return problems;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Section names and routes are the answer's keys and URLs: two backends cannot share one. */
function clashes(sources: readonly SourceDefinition[]): string[] {
  const problems: string[] = [];
  const taken = new Map<string, string>([
    ...['customerId', 'complete', 'failedSources', 'latencyMs'].map((k) => [`name ${k}`, 'the answer itself'] as const),
    ['route customer-context', 'the aggregate'],
  ]);
  for (const s of sources) {
    const owner = `the backend of route ${s.route}`;
    for (const key of [`name ${s.name}`, `route ${s.route}`]) {
      const other = taken.get(key);
      if (other) problems.push(`backends: the ${key} of ${owner} is taken by ${other}`);
      else taken.set(key, owner);
    }
  }
  return problems;
}

/**
 * Validates the environment for the service and its backends: the built-in ones written in code
 * (the Genesys user), those of BACKENDS_FILE, and `extra` ones a test adds. Throws one ConfigError
 * that lists every problem by variable name, or by its place in the backends file.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, extra: readonly SourceDefinition[] = []) {
  const problems: string[] = [];
  const env = parseVariables(fields.shape, source, problems);
  problems.push(...crossChecks(env));
  const sources = [...BUILT_IN_SOURCES, ...loadBackends(env.BACKENDS_FILE, problems), ...extra];
  problems.push(...clashes(sources));
  const configured = sources.map((definition) => definition.configure(source, problems));
  if (problems.length > 0) throw new ConfigError(problems);
  return toConfig(env as Env, configured.filter((s) => s !== undefined));
}

function toConfig(env: Env, sources: ConfiguredSource[]) {
  return {
    port: env.PORT,
    host: env.HOST,
    /** The service's own HTTPS listener; plain HTTP when undefined. */
    tls: env.TLS_CERT_FILE && env.TLS_KEY_FILE ? { certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE } : undefined,
    logLevel: env.LOG_LEVEL,
    auth: {
      disabled: env.AUTH_DISABLED,
      dataActions: { apiKeyHeader: 'x-api-key', apiKeys: env.DATA_ACTION_API_KEYS, basic: env.DATA_ACTION_BASIC_AUTH },
      ingest: { apiKeyHeader: env.INGEST_API_KEY_HEADER, apiKeys: env.INGEST_API_KEYS, basic: env.INGEST_BASIC_AUTH },
    },
    dataActionDeadlineMs: env.DATA_ACTION_DEADLINE_MS,
    /** Every backend of the data actions, in answer order; an unconfigured one answers `skipped`. */
    sources,
    cacheMaxEntries: env.CACHE_MAX_ENTRIES,
    circuit: { failureThreshold: env.CIRCUIT_FAILURE_THRESHOLD, resetMs: env.CIRCUIT_RESET_MS },
    rateLimit: { max: env.RATE_LIMIT_MAX, windowMs: env.RATE_LIMIT_WINDOW_MS },
    ingest: {
      sink: env.INGEST_SINK,
      fileDir: env.INGEST_FILE_DIR,
      databaseUrl: env.DATABASE_URL,
      databasePoolMax: env.DATABASE_POOL_MAX,
      httpUrl: env.INGEST_HTTP_URL,
      httpTimeoutMs: env.INGEST_HTTP_TIMEOUT_MS,
      bodyLimitBytes: env.INGEST_BODY_LIMIT_BYTES,
      queueMax: env.INGEST_QUEUE_MAX,
      batchMaxSize: env.BATCH_MAX_SIZE,
      batchMaxWaitMs: env.BATCH_MAX_WAIT_MS,
    },
    dedup: { ttlSeconds: env.DEDUP_TTL_SECONDS, maxEntries: env.DEDUP_MAX_ENTRIES },
    redisUrl: env.REDIS_URL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    connections: {
      requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
      headersTimeoutMs: env.HEADERS_TIMEOUT_MS,
      keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: env.MAX_CONNECTIONS,
    },
    loadShedding: {
      maxEventLoopDelayMs: env.MAX_EVENT_LOOP_DELAY_MS,
      maxEventLoopUtilization: env.MAX_EVENT_LOOP_UTILIZATION,
    },
    tracing: tracingSettings(env),
  };
}

export type Config = ReturnType<typeof toConfig>;
