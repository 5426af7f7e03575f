import type { Clock } from '../clock.js';
import { startBudget, type Budget } from '../http/budget.js';
import { upstream, UpstreamError } from '../http/errors.js';
import type { Metrics } from '../metrics.js';
import type { Inputs, Source, SourceContract } from '../sources/definition.js';
import type { TraceScope } from '../tracing/types.js';
import { failed, ok, skipped, type Section } from './normalise.js';

/** A backend as one app runs it: its contract, and the source when it is configured. */
export interface RunningSource {
  contract: SourceContract;
  source?: Source<object>;
  timeoutMs: number;
  /** Its circuit's state (closed, half-open, open), for its span. */
  circuit?: () => string | undefined;
}

export interface AggregateDeps {
  metrics: Metrics;
  clock: Clock;
  deadlineMs: number;
}

export interface AggregateRequest {
  inputs: Inputs;
  /** The sections of the answer, in order. */
  sections: readonly RunningSource[];
  /** The names of the sections to fetch (`include`); the others are skipped. */
  wanted: readonly string[];
  /** When the request arrived, on the clock: the deadline counts from there (body upload, auth included). */
  arrivedAt: number;
  /** The request's span when it is traced: each source that runs gets a child span. */
  trace?: TraceScope;
}

/** What one source did, for the request's log line. */
export interface SourceReport {
  status: string;
  latencyMs?: number;
}

// Time kept back from DATA_ACTION_DEADLINE_MS to normalise, serialise and write the answer.
const ANSWER_MARGIN_MS = 25;
// A source's budget ends this much before the deadline, so that the source itself settles with
// what it has (orders so far, a stale cached value) before the deadline's safety net fires:
// one timer owns each outcome, instead of two timers racing for the same instant.
const SETTLE_MS = 15;

/**
 * The customer context (docs/contract.md, "Data actions"): start every requested source under its
 * own budget inside the request's deadline, wait for all of them, and answer one document whatever
 * each one did; with it, what each source did, for the log line.
 */
export async function aggregateCustomerContext(request: AggregateRequest, deps: AggregateDeps) {
  const { clock } = deps;
  const { arrivedAt } = request;
  const deadline = startBudget(deps.deadlineMs - ANSWER_MARGIN_MS - (clock.now() - arrivedAt), clock);
  const sections = await Promise.all(request.sections.map((s) => fetchSection(s, request, deadline, deps)))
    .finally(() => deadline.release());

  const failedSources = sections.filter((s) => s.status !== 'ok' && s.status !== 'skipped').map((s) => s.name);
  const complete = failedSources.length === 0;
  const answer: Record<string, unknown> = {
    customerId: request.inputs.customerId ?? '',
    complete,
    failedSources: failedSources.join(','),
    latencyMs: Math.round(clock.now() - arrivedAt),
  };
  const sources: Record<string, SourceReport> = {};
  for (const { name, section, latencyMs } of sections) {
    answer[name] = section;
    sources[name] = latencyMs === undefined ? { status: section.status } : { status: section.status, latencyMs };
  }
  return { answer, complete, failedSources, sources };
}

/** Why a source does not run for these inputs, if it does not (docs/contract.md: `skipped`). */
function skipReason({ contract, source }: RunningSource, request: AggregateRequest): string | undefined {
  if (!request.wanted.includes(contract.name)) return 'not requested';
  if (source === undefined) return 'not configured';
  const missing = Object.entries(contract.inputs)
    .find(([name, input]) => input.required && request.inputs[name] === undefined);
  return missing ? `no ${missing[0]} in the input` : undefined;
}

async function fetchSection(running: RunningSource, request: AggregateRequest, deadline: Budget, deps: AggregateDeps) {
  const { contract, source } = running;
  const why = skipReason(running, request);
  const { section, latencyMs } = why !== undefined || source === undefined
    ? { section: { ...skipped(why ?? 'not configured'), ...contract.empty }, latencyMs: undefined }
    : await underBudget(running, source, request, deadline, deps);
  return { name: contract.name, status: section.status, section, latencyMs };
}

/** One source under min(its budget, the deadline); one still running at the deadline is a timeout. */
async function underBudget(
  running: RunningSource, source: Source<object>, request: AggregateRequest, deadline: Budget, deps: AggregateDeps,
) {
  const { contract } = running;
  const span = request.trace?.child(`source ${contract.name}`, { 'gdas.source': contract.name });
  const budget = deadline.child(Math.min(running.timeoutMs, deadline.remainingMs() - SETTLE_MS), span);
  const t0 = deps.clock.now();
  let section: Section | undefined;
  try {
    section = await load(contract, source, request.inputs, budget, deadline);
  } finally {
    budget.release();
    if (span) endSourceSpan(span, section, running, budget.totalMs);
  }
  const elapsedMs = deps.clock.now() - t0;
  deps.metrics.sourceLatency.observe({ source: contract.name, status: section.status }, elapsedMs / 1000);
  deps.metrics.sourceResults.inc({ source: contract.name, status: section.status });
  return { section, latencyMs: Math.round(elapsedMs) };
}

async function load(
  contract: SourceContract, source: Source<object>, inputs: Inputs, budget: Budget, deadline: Budget,
): Promise<Section> {
  try {
    const { value, stale } = await deadline.race(
      source.load(inputs, budget),
      () => upstream.timeout(contract.target, deadline),
    );
    return { ...ok(stale), ...value };
  } catch (err) {
    // Anything but an UpstreamError is a bug: it surfaces as a 500, unrecorded.
    if (!(err instanceof UpstreamError)) throw err;
    return { ...failed(err), ...contract.empty };
  }
}

/** Statuses that say the source failed; `not_found` is an answer (docs/contract.md, "Source statuses"). */
const FAILED = new Set(['timeout', 'rate_limited', 'unavailable', 'error']);

/** A source's span: what it answered and what it went through (docs/operations.md, "Tracing"). */
function endSourceSpan(span: TraceScope, section: Section | undefined, running: RunningSource, budgetMs: number) {
  const circuit = running.circuit?.();
  span.setAttributes({
    'gdas.source.status': section?.status ?? 'bug',
    'gdas.source.retries': span.retries,
    'gdas.source.budget_ms': budgetMs,
    ...(span.cache && { 'gdas.source.cache': span.cache }),
    ...(circuit && { 'gdas.source.circuit': circuit }),
  });
  span.end(section === undefined ? 'unexpected error' : FAILED.has(section.status) ? section.error : undefined);
}
