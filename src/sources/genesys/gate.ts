import type { FastifyBaseLogger } from 'fastify';
import type { AttemptGate } from '../../http/client.js';
import { upstream, type UpstreamError } from '../../http/errors.js';
import type { Metrics } from '../../metrics.js';
import { TARGET } from './model.js';
import type { Admission, RateBudget, Refusal } from './rate-budget.js';

// Every Platform API request, retries included, passes here: the budget admits it or it is not
// sent, and a 429 with Retry-After pauses every request of the client instead of each lookup
// finding out on its own (docs/genesys-data-actions.md, "The Platform API budget").

export type ApiRequest = 'users_bulk' | 'user';

export interface ApiGate {
  /** The gate of one request; `reserve` slots of the budget stay for the requests callers need. */
  request(request: ApiRequest, reserve?: number): AttemptGate;
  /** How long requests are known to be refused: a lookup that would wait for them answers at once. */
  refusalFor(request: ApiRequest): UpstreamError | undefined;
  readonly budget: RateBudget;
}

const seconds = (ms = 0) => Math.max(1, Math.ceil(ms / 1000));

/**
 * The longest pause a Retry-After sets: Genesys' limits count per minute, so a longer one is not
 * about them, and a wrong header must not hold every lookup for hours; past it one request tries.
 */
const MAX_PAUSE_MS = 5 * 60_000;

function refusalError(limit: number, { reason, retryInMs }: Extract<Admission, { ok: false }>) {
  const after = `retry after ${seconds(retryInMs)} s`;
  if (reason === 'paused') return upstream.held(TARGET, `paused after a 429 (${after})`);
  if (reason === 'spent') return upstream.held(TARGET, `the budget of ${limit} requests a minute is spent (${after})`);
  return upstream.held(TARGET, 'the shared API budget (Redis) cannot be reached');
}

const REQUESTS: readonly ApiRequest[] = ['users_bulk', 'user'];
const REFUSALS: readonly Refusal[] = ['spent', 'paused', 'store_unavailable'];

export function createApiGate(budget: RateBudget, deps: { metrics: Metrics; log: FastifyBaseLogger }): ApiGate {
  const { metrics, log } = deps;
  // Every refusal series from the start, at 0: an alert's rate() sees the first refusal.
  metrics.genesysBudgetLimit.set(budget.limit);
  for (const request of REQUESTS) {
    for (const reason of REFUSALS) metrics.genesysBudgetRefusals.inc({ request, reason }, 0);
  }
  const refused = (request: ApiRequest, admission: Extract<Admission, { ok: false }>) => {
    metrics.genesysBudgetRefusals.inc({ request, reason: admission.reason });
    return refusalError(budget.limit, admission);
  };

  return {
    budget,
    request(request, reserve = 0) {
      return {
        async admit(attemptBudget) {
          const taken = budget.take(reserve);
          const admission = await attemptBudget.race(taken, () => upstream.timeout(TARGET, attemptBudget));
          metrics.genesysBudgetRemaining.set(admission.remaining);
          if (!admission.ok) throw refused(request, admission);
        },
        settled({ error, retryAfterMs }) {
          const outcome = error ? error.code.slice('UPSTREAM_'.length).toLowerCase() : 'ok';
          metrics.genesysRequests.inc({ request, outcome });
          if (error?.code !== 'UPSTREAM_RATE_LIMITED' || !retryAfterMs) return;
          metrics.genesysPauses.inc();
          log.warn({ retryAfterMs }, 'Genesys answered 429: every Genesys API request is paused until its Retry-After');
          void budget.pause(Math.min(retryAfterMs, MAX_PAUSE_MS));
        },
      };
    },
    refusalFor(request) {
      const blocked = budget.blocked();
      return blocked && refused(request, { ok: false, ...blocked, remaining: budget.remaining() });
    },
  };
}
