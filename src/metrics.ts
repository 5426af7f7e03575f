import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

// Every metric of the service, built per app (no global registry). Labels are bounded
// sets (route, source, status, sink); ids never become labels.

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const r = { registers: [registry] };
  return {
    registry,
    httpRequests: new Histogram({
      ...r, name: 'http_request_duration_seconds', help: 'Inbound request duration',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
    sourceLatency: new Histogram({
      ...r, name: 'data_action_source_duration_seconds',
      help: 'Time spent on one source of a data action, retries included',
      labelNames: ['source', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3],
    }),
    sourceResults: new Counter({
      ...r, name: 'data_action_source_results_total', help: 'Source outcomes by status',
      labelNames: ['source', 'status'],
    }),
    retries: new Counter({
      ...r, name: 'outbound_retries_total', help: 'Outbound retries by target and reason',
      labelNames: ['target', 'reason'],
    }),
    cache: new Counter({
      ...r, name: 'cache_lookups_total', help: 'Cache lookups by cache and result (hit, miss, stale)',
      labelNames: ['cache', 'result'],
    }),
    circuitState: new Gauge({
      ...r, name: 'circuit_state', help: 'Circuit breaker state per source: 0 closed, 1 half-open, 2 open',
      labelNames: ['source'],
    }),
    dataActionResults: new Counter({
      ...r, name: 'data_action_requests_total', help: 'Data-action answers by route and completeness',
      labelNames: ['route', 'complete'],
    }),
    ingestEvents: new Counter({
      ...r, name: 'ingest_events_total',
      help: 'Ingested events by result (accepted, duplicate, rejected, late: answered 503 at the 4.5 s '
        + 'answer deadline)',
      labelNames: ['result'],
    }),
    batchSize: new Histogram({
      ...r, name: 'ingest_batch_size', help: 'Events per sink write',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    }),
    sinkLatency: new Histogram({
      ...r, name: 'ingest_sink_write_duration_seconds', help: 'Duration of one sink write',
      labelNames: ['sink', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
    pendingQueue: new Gauge({ ...r, name: 'ingest_pending_events', help: 'Events waiting for a sink write' }),
    // The bound ingest_pending_events is alerted against (deploy/prometheus/alerts.yaml), set by the receiver.
    queueMax: new Gauge({ ...r, name: 'ingest_queue_max', help: 'INGEST_QUEUE_MAX in force: past it, 429 QUEUE_FULL' }),
    ...genesysMetrics(r),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The Genesys Platform API budget and the user cache that spends it (docs/genesys-data-actions.md). */
function genesysMetrics(r: { registers: Registry[] }) {
  return {
    genesysRequests: new Counter({
      ...r, name: 'genesys_api_requests_total', labelNames: ['request', 'outcome'],
      help: 'Genesys Platform API requests sent (token requests apart), retries included, by request (users_bulk, '
        + 'user) and outcome (ok, rate_limited, not_found, timeout, unavailable, error, unauthorized, bad_response)',
    }),
    genesysBudgetRemaining: new Gauge({
      ...r, name: 'genesys_api_budget_remaining',
      help: 'Requests GENESYS_RATE_LIMIT_PER_MINUTE still allows in the current window, as of the last request or '
        + 'refresh tick (shared through Redis: as this replica last saw it)',
    }),
    genesysBudgetLimit: new Gauge({
      ...r, name: 'genesys_api_budget_limit',
      help: 'GENESYS_RATE_LIMIT_PER_MINUTE: Genesys API requests allowed per window',
    }),
    genesysBudgetRefusals: new Counter({
      ...r, name: 'genesys_api_budget_refusals_total', labelNames: ['request', 'reason'],
      help: 'Genesys API requests not sent, by request and reason (spent: the budget; paused: after a 429; '
        + 'store_unavailable: the shared budget in Redis cannot be reached)',
    }),
    genesysPauses: new Counter({
      ...r, name: 'genesys_api_pauses_total', help: '429 answers whose Retry-After paused every Genesys API request',
    }),
    genesysBulkSize: new Histogram({
      ...r, name: 'genesys_user_bulk_size', labelNames: ['reason'], buckets: [1, 2, 5, 10, 20, 50, 100],
      help: 'Users asked for per bulk request, by reason (miss, refresh)',
    }),
    genesysRefreshLag: new Gauge({
      ...r, name: 'genesys_user_refresh_lag_seconds',
      help: 'How far past USER_CACHE_TTL_MS the most overdue kept-warm user is; 0 while refresh-ahead keeps up',
    }),
    genesysPresenceMissing: new Counter({
      ...r, name: 'genesys_user_presence_missing_total', labelNames: ['resolution'],
      help: 'Users a bulk answer gave without presence or routing status, by resolution (fetched: asked singly; '
        + 'kept: the last known ones; unknown: none known)',
    }),
  };
}
