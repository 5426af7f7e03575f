import { Agent, request, type Dispatcher } from 'undici';
import type { Metrics } from '../metrics.js';
import type { Budget, BudgetSignal } from './budget.js';
import { fromStatus, fromTransport, isConnectFailure, isReset, upstream, type UpstreamError } from './errors.js';
import { backoffMs, retryAfterMs, type RetryPolicy } from './retry.js';

export interface JsonRequest {
  /** Metrics label and the name used in error messages, e.g. 'crm'. */
  target: string;
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** JSON-encoded when present. */
  body?: unknown;
  /** Sent as application/x-www-form-urlencoded instead of `body` (an OAuth token request). */
  form?: Record<string, string>;
  /** A body already encoded as JSON, sent as it is (the HTTP sink's records are serialised once). */
  json?: string;
  retry: RetryPolicy;
  /** Time for every attempt and wait together (src/http/budget.ts). */
  budget: Budget;
  /**
   * Also retry every 5xx and refused connections, not only 429/503/resets. For writes that are
   * idempotent on the receiving side (the HTTP sink retries 429, 5xx and connection errors).
   */
  retryAllFailures?: boolean;
  /** Sees every attempt, retries included: an API whose limit counts requests, not calls, admits each one. */
  gate?: AttemptGate;
  /**
   * Send `traceparent` naming the call's span when it is traced: to the backends the operator
   * declares, never to a token endpoint or Genesys (docs/decisions.md, "Tracing").
   */
  propagateTrace?: boolean;
}

/** How one attempt ended: no error for a 2xx. */
export interface AttemptOutcome {
  error?: UpstreamError;
  /** The answer's Retry-After, for a 429 or 503 that sent one. */
  retryAfterMs?: number;
}

export interface AttemptGate {
  /** Before each attempt: resolves to send it, rejects with an UpstreamError to send nothing (more). */
  admit(budget: Budget): Promise<void>;
  /** After each attempt that was sent. */
  settled(outcome: AttemptOutcome): void;
}

export interface HttpClient {
  /** 2xx resolves with the parsed JSON; anything else rejects with an UpstreamError after the retries that fit. */
  requestJson<T = unknown>(req: JsonRequest): Promise<{ status: number; body: T }>;
  /**
   * Ends every call still in flight and closes the pools. By the time the app closes, every request
   * has been answered: what is left is shared work (a login, a cached lookup) nobody waits for.
   */
  close(): Promise<void>;
}

/** Upstream bodies over 1 MiB are refused (docs/contract.md). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

const DUMP_LIMIT_BYTES = 64 * 1024;

type Attempt =
  | { ok: true; status: number; body: unknown }
  | { ok: false; error: UpstreamError; retry?: '429' | '503' | '5xx' | 'reset' | 'connect'; retryAfterMs?: number };

/** What a client span records of an attempt: the status, and what failed (a budget that ran out first). */
const spanOutcome = (result: Attempt, signal: BudgetSignal) => (result.ok ? { status: result.status }
  : signal.aborted ? { error: 'UPSTREAM_TIMEOUT' } : { status: result.error.status, error: result.error.code });

/**
 * One keep-alive pool per origin (undici Agent), redirects never followed. undici's own retry
 * interceptor is not used: it caps a long Retry-After at its maxTimeout and retries anyway, and it
 * knows no budget, while a Retry-After that does not fit must end the call at once.
 */
export function createHttpClient(opts: { metrics: Metrics }): HttpClient {
  const agent = new Agent({
    keepAliveTimeout: 30_000,
    connections: 128,
    // Backstops only: every call is bounded by its budget signal first.
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
    // undici refuses a bigger body itself, from content-length or while streaming.
    maxResponseSize: MAX_RESPONSE_BYTES,
  });

  async function attempt(req: JsonRequest, signal: BudgetSignal, trace?: Record<string, string>): Promise<Attempt> {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers, ...trace };
    let body: string | undefined;
    if (req.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(req.form).toString();
    } else if (req.body !== undefined || req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = req.json ?? JSON.stringify(req.body);
    }
    let res: Dispatcher.ResponseData;
    try {
      // undici takes any EventTarget-like signal (it reads `aborted`, `reason` and the abort listeners).
      res = await request(req.url, {
        dispatcher: agent, method: req.method, headers, body, signal: signal as AbortSignal,
      });
    } catch (err) {
      const retry = isReset(err) ? 'reset' as const
        : req.retryAllFailures && isConnectFailure(err) ? 'connect' as const : undefined;
      return { ok: false, error: fromTransport(req.target, err, req.budget), ...(retry && { retry }) };
    }
    const { statusCode: status } = res;
    if (status >= 200 && status < 300) {
      try {
        // A 2xx without a body (204, or an empty 200 from a collector) is a success too.
        const text = await res.body.text();
        return { ok: true, status, body: text === '' ? null : JSON.parse(text) };
      } catch (err) {
        if (signal.aborted) throw err;
        return { ok: false, error: fromTransport(req.target, err, req.budget) };
      }
    }
    // Free the connection for the pool: dump() reads up to `limit` and destroys the rest.
    await res.body.dump({ limit: DUMP_LIMIT_BYTES, signal: signal as AbortSignal }).catch(() => undefined);
    const wait = retryAfterMs(res.headers['retry-after']);
    const retry = status === 429 ? '429' : status === 503 ? '503'
      : req.retryAllFailures && status >= 500 ? '5xx' : undefined;
    return { ok: false, error: fromStatus(req.target, status, wait), ...(retry && { retry, retryAfterMs: wait }) };
  }

  async function requestJson<T>(req: JsonRequest): Promise<{ status: number; body: T }> {
    const { budget } = req;
    const { signal } = budget;
    const timedOut = () => upstream.timeout(req.target, budget);
    for (let n = 1; ; n++) {
      if (req.gate) await req.gate.admit(budget);
      const started = budget.clock.now();
      // One client span per attempt (OpenTelemetry, "HTTP client spans"), when the call is traced.
      const span = budget.trace?.client(req, n - 1);
      let result: Attempt;
      try {
        result = await attempt(req, signal, req.propagateTrace ? span?.headers() : undefined);
      } catch (err) {
        span?.end({ error: signal.aborted ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_ERROR' });
        if (!signal.aborted) throw err;
        const error = timedOut();
        req.gate?.settled({ error });
        throw error;
      }
      span?.end(spanOutcome(result, signal));
      req.gate?.settled(result.ok ? {} : { error: result.error, retryAfterMs: result.retryAfterMs });
      if (result.ok) return { status: result.status, body: result.body as T };
      if (signal.aborted) throw timedOut();
      if (!result.retry || n >= req.retry.attempts) throw result.error;
      // The last attempt's duration estimates the next one: never start what cannot finish.
      const wait = result.retryAfterMs ?? backoffMs(req.retry, n);
      if (wait + (budget.clock.now() - started) > budget.remainingMs()) throw result.error;
      opts.metrics.retries.inc({ target: req.target, reason: result.retry });
      if (budget.trace) budget.trace.retries += 1;
      try {
        await budget.sleep(wait);
      } catch {
        throw timedOut();
      }
    }
  }

  return { requestJson, close: () => agent.destroy() };
}
