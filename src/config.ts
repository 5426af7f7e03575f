import { z } from 'zod';
import { createRequire } from 'node:module';
import type platformClient from 'purecloud-platform-client-v2';

// Every variable of SPEC §2, plus the knobs the spec leaves to us (retry policies, caches,
// circuit breaker, queue bounds). Parsed once at start; the rest of the code reads `Config`.

// The region list is the SDK's own, read only when GENESYS_REGION is set: the SDK costs 38 MB
// of RSS, which a replica that never talks to Genesys should not pay.
const regions = () => new Set(Object.values(
  (createRequire(import.meta.url)('purecloud-platform-client-v2') as typeof platformClient).PureCloudRegionHosts));

/** Empty strings in the environment mean "unset", as they do for most twelve-factor tools. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const int = (def: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
  const error = max === Number.MAX_SAFE_INTEGER ? `must be an integer >= ${min}` : `must be an integer from ${min} to ${max}`;
  return optional(z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }))
    .transform((v) => v ?? def);
};

const list = optional(z.string()).transform((v) =>
  (v ?? '').split(',').map((s) => s.trim()).filter(Boolean));

const basicPairs = list.pipe(
  z.array(z.string().regex(/^[^:]+:.+$/, 'each entry must be user:password')),
).transform((pairs) => pairs.map((p) => {
  const i = p.indexOf(':');
  return { user: p.slice(0, i), password: p.slice(i + 1) };
}));

const url = optional(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }));
const bool = optional(z.enum(['true', 'false'])).transform((v) => v === 'true');

// Retry policies per source (SPEC §3): the defaults fit a 1.5 s budget with room for two retries.
const attempts = int(3, 1, 10);
const baseMs = int(100, 100);
const maxMs = int(1000, 100);

const fields = z.object({
  PORT: int(8080, 0, 65535),
  HOST: optional(z.string()).transform((v) => v ?? '0.0.0.0'),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .transform((v) => v ?? 'info'),
  DATA_ACTION_API_KEYS: list,
  DATA_ACTION_BASIC_AUTH: basicPairs,
  INGEST_API_KEYS: list,
  INGEST_API_KEY_HEADER: optional(z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name'))
    .transform((v) => (v ?? 'x-api-key').toLowerCase()),
  INGEST_BASIC_AUTH: basicPairs,
  AUTH_DISABLED: bool,
  GENESYS_REGION: optional(z.string().superRefine((region, ctx) => {
    const known = regions();
    if (!known.has(region)) ctx.addIssue({ code: 'custom', message: `must be a Genesys Cloud region domain (${[...known].join(', ')})` });
  })).transform((v) => v ?? 'mypurecloud.com'),
  GENESYS_CLIENT_ID: optional(z.string()),
  GENESYS_CLIENT_SECRET: optional(z.string()),
  GENESYS_API_URL: url,
  GENESYS_LOGIN_URL: url,
  CRM_BASE_URL: url,
  CRM_API_KEY: optional(z.string()),
  ORDERS_BASE_URL: url,
  ORDERS_API_KEY: optional(z.string()),
  GENESYS_TIMEOUT_MS: int(1500, 50, 60_000),
  CRM_TIMEOUT_MS: int(1500, 50, 60_000),
  ORDERS_TIMEOUT_MS: int(2000, 50, 60_000),
  DATA_ACTION_DEADLINE_MS: int(2500, 100, 60_000),
  GENESYS_RETRY_ATTEMPTS: attempts, GENESYS_RETRY_BASE_MS: baseMs, GENESYS_RETRY_MAX_MS: maxMs,
  CRM_RETRY_ATTEMPTS: attempts, CRM_RETRY_BASE_MS: baseMs, CRM_RETRY_MAX_MS: maxMs,
  ORDERS_RETRY_ATTEMPTS: attempts, ORDERS_RETRY_BASE_MS: baseMs, ORDERS_RETRY_MAX_MS: maxMs,
  USER_CACHE_TTL_MS: int(60_000, 0),
  CRM_CACHE_TTL_MS: int(30_000, 0),
  CACHE_MAX_ENTRIES: int(10_000, 1),
  CIRCUIT_FAILURE_THRESHOLD: int(5, 1),
  CIRCUIT_RESET_MS: int(10_000, 100),
  // Per credential: one Genesys integration serves a whole contact centre (~100 data actions/s at peak).
  RATE_LIMIT_MAX: int(6000, 1),
  RATE_LIMIT_WINDOW_MS: int(60_000, 1000),
  INGEST_SINK: optional(z.enum(['file', 'postgres', 'http'])).transform((v) => v ?? 'file'),
  INGEST_FILE_DIR: optional(z.string()).transform((v) => v ?? './data/events'),
  DATABASE_URL: optional(z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' })),
  DATABASE_POOL_MAX: int(10, 1, 100),
  INGEST_HTTP_URL: url,
  INGEST_HTTP_TIMEOUT_MS: int(3000, 100, 4500),
  INGEST_BODY_LIMIT_BYTES: int(1_048_576, 1024),
  INGEST_QUEUE_MAX: int(10_000, 1),
  REDIS_URL: optional(z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })),
  DEDUP_TTL_SECONDS: int(86_400, 1),
  DEDUP_MAX_ENTRIES: int(500_000, 1),
  BATCH_MAX_SIZE: int(500, 1, 10_000),
  BATCH_MAX_WAIT_MS: int(0, 0, 1000),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 100),
  MAX_EVENT_LOOP_DELAY_MS: int(1000, 0),
  // Off by default: a loop busy 98% of the time is a saturated service, not a late one, and
  // shedding then turns throughput into 503s (bench/: 5,206 of them in a fan-out run at 32
  // connections). The delay check is the one that predicts missed deadlines. Set e.g. 0.98 to add it.
  MAX_EVENT_LOOP_UTILIZATION: optional(z.coerce.number().min(0).max(1)).transform((v) => v ?? 0),
});

type Env = z.output<typeof fields>;

/** Rules across variables. They run on whatever parsed, so one message can list every problem. */
function crossChecks(env: Partial<Env>): string[] {
  const problems: string[] = [];
  const problem = (name: string, message: string) => problems.push(`${name}: ${message}`);
  if (env.AUTH_DISABLED === false) {
    if (env.DATA_ACTION_API_KEYS?.length === 0 && env.DATA_ACTION_BASIC_AUTH?.length === 0) {
      problem('DATA_ACTION_API_KEYS', 'no credentials for /v1/data-actions/*: set DATA_ACTION_API_KEYS or DATA_ACTION_BASIC_AUTH (or AUTH_DISABLED=true for a local demo)');
    }
    if (env.INGEST_API_KEYS?.length === 0 && env.INGEST_BASIC_AUTH?.length === 0) {
      problem('INGEST_API_KEYS', 'no credentials for /v1/events/*: set INGEST_API_KEYS or INGEST_BASIC_AUTH (or AUTH_DISABLED=true for a local demo)');
    }
  }
  if ('GENESYS_CLIENT_ID' in env && 'GENESYS_CLIENT_SECRET' in env && Boolean(env.GENESYS_CLIENT_ID) !== Boolean(env.GENESYS_CLIENT_SECRET)) {
    problem(env.GENESYS_CLIENT_ID ? 'GENESYS_CLIENT_SECRET' : 'GENESYS_CLIENT_ID', 'GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET go together');
  }
  if (env.CRM_BASE_URL && !env.CRM_API_KEY) problem('CRM_API_KEY', 'required when CRM_BASE_URL is set');
  if (env.ORDERS_BASE_URL && !env.ORDERS_API_KEY) problem('ORDERS_API_KEY', 'required when ORDERS_BASE_URL is set');
  for (const p of ['GENESYS', 'CRM', 'ORDERS'] as const) {
    const base = env[`${p}_RETRY_BASE_MS`];
    const max = env[`${p}_RETRY_MAX_MS`];
    if (base !== undefined && max !== undefined && max < base) problem(`${p}_RETRY_MAX_MS`, `must be >= ${p}_RETRY_BASE_MS (${base})`);
  }
  if (env.INGEST_SINK === 'postgres' && !env.DATABASE_URL) problem('DATABASE_URL', 'required when INGEST_SINK=postgres');
  if (env.INGEST_SINK === 'http' && !env.INGEST_HTTP_URL) problem('INGEST_HTTP_URL', 'required when INGEST_SINK=http');
  return problems;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates the environment; throws one ConfigError that lists every problem by variable name. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  const problems: string[] = [];
  const env: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(fields.shape)) {
    const parsed = (schema as z.ZodType).safeParse(source[name]);
    if (parsed.success) env[name] = parsed.data;
    else problems.push(...parsed.error.issues.map((i) => `${name}: ${i.message}`));
  }
  problems.push(...crossChecks(env as Partial<Env>));
  if (problems.length > 0) throw new ConfigError(problems);
  return toConfig(env as Env);
}

function toConfig(env: Env) {
  const retry = (p: 'GENESYS' | 'CRM' | 'ORDERS') => ({
    attempts: env[`${p}_RETRY_ATTEMPTS`],
    baseMs: env[`${p}_RETRY_BASE_MS`],
    maxMs: env[`${p}_RETRY_MAX_MS`],
  });
  return {
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    auth: {
      disabled: env.AUTH_DISABLED,
      dataActions: { apiKeyHeader: 'x-api-key', apiKeys: env.DATA_ACTION_API_KEYS, basic: env.DATA_ACTION_BASIC_AUTH },
      ingest: { apiKeyHeader: env.INGEST_API_KEY_HEADER, apiKeys: env.INGEST_API_KEYS, basic: env.INGEST_BASIC_AUTH },
    },
    dataActionDeadlineMs: env.DATA_ACTION_DEADLINE_MS,
    genesys: {
      region: env.GENESYS_REGION,
      clientId: env.GENESYS_CLIENT_ID,
      clientSecret: env.GENESYS_CLIENT_SECRET,
      apiUrl: env.GENESYS_API_URL ?? `https://api.${env.GENESYS_REGION}`,
      loginUrl: env.GENESYS_LOGIN_URL ?? `https://login.${env.GENESYS_REGION}`,
      timeoutMs: env.GENESYS_TIMEOUT_MS,
      retry: retry('GENESYS'),
      cacheTtlMs: env.USER_CACHE_TTL_MS,
    },
    crm: { baseUrl: env.CRM_BASE_URL, apiKey: env.CRM_API_KEY, timeoutMs: env.CRM_TIMEOUT_MS, retry: retry('CRM'), cacheTtlMs: env.CRM_CACHE_TTL_MS },
    orders: { baseUrl: env.ORDERS_BASE_URL, apiKey: env.ORDERS_API_KEY, timeoutMs: env.ORDERS_TIMEOUT_MS, retry: retry('ORDERS') },
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
    loadShedding: { maxEventLoopDelayMs: env.MAX_EVENT_LOOP_DELAY_MS, maxEventLoopUtilization: env.MAX_EVENT_LOOP_UTILIZATION },
  };
}

export type Config = ReturnType<typeof toConfig>;
export type RetryPolicy = Config['genesys']['retry'];
