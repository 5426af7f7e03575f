import type { Clock } from '../clock.js';
import { startBudget, type Budget } from '../http/budget.js';
import { upstream, UpstreamError } from '../http/errors.js';
import type { Metrics } from '../metrics.js';
import type { Inputs, Source, SourceContract } from '../sources/definition.js';
import { failed, ok, skipped, type Section } from './normalise.js';

/** A backend as one app runs it: its contract, and the source when it is configured. */
export interface RunningSource {
  contract: SourceContract;
  source?: Source<object>;
  timeoutMs: number;
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
 * each one did.
 */
export async function aggregateCustomerContext(request: AggregateRequest, deps: AggregateDeps) {
  const { clock } = deps;
  const { arrivedAt } = request;
  const deadline = startBudget(deps.deadlineMs - ANSWER_MARGIN_MS - (clock.now() - arrivedAt), clock);
  const sections = await Promise.all(request.sections.map((s) => fetchSection(s, request, deadline, deps)))
    .finally(() => deadline.release());

  const failedSources = sections.filter((s) => s.status !== 'ok' && s.status !== 'skipped').map((s) => s.name);
  const answer: Record<string, unknown> = {
    customerId: request.inputs.customerId ?? '',
    complete: failedSources.length === 0,
    failedSources: failedSources.join(','),
    latencyMs: Math.round(clock.now() - arrivedAt),
  };
  for (const { name, section } of sections) answer[name] = section;
  return answer;
}

/** Why a source does not run for these inputs, if it does not (docs/contract.md: `skipped`). */
function skipReason({ contract, source }: RunningSource, request: AggregateRequest): string | undefined {
  if (!request.wanted.includes(contract.name)) return 'not requested';
  if (source === undefined) return 'not configured';
  const missing = Object.entries(contract.inputs).find(([name, input]) => input.required && request.inputs[name] === undefined);
  return missing ? `no ${missing[0]} in the input` : undefined;
}

async function fetchSection(running: RunningSource, request: AggregateRequest, deadline: Budget, deps: AggregateDeps) {
  const { contract, source } = running;
  const why = skipReason(running, request);
  const section = why !== undefined || source === undefined
    ? { ...skipped(why ?? 'not configured'), ...contract.empty }
    : await underBudget(running, source, request.inputs, deadline, deps);
  return { name: contract.name, status: section.status, section };
}

/** One source under min(its budget, the deadline); one still running at the deadline is a timeout. */
async function underBudget(
  { contract, timeoutMs }: RunningSource, source: Source<object>, inputs: Inputs, deadline: Budget, deps: AggregateDeps,
): Promise<Section> {
  const budget = deadline.child(Math.min(timeoutMs, deadline.remainingMs() - SETTLE_MS));
  const t0 = deps.clock.now();
  const record = (status: string) => {
    deps.metrics.sourceLatency.observe({ source: contract.name, status }, (deps.clock.now() - t0) / 1000);
    deps.metrics.sourceResults.inc({ source: contract.name, status });
  };
  try {
    const { value, stale } = await deadline.race(source.load(inputs, budget), () => upstream.timeout(contract.target, deadline));
    record('ok');
    return { ...ok(stale), ...value };
  } catch (err) {
    // Anything but an UpstreamError is a bug: it surfaces as a 500, unrecorded.
    if (!(err instanceof UpstreamError)) throw err;
    const outcome = failed(err);
    record(outcome.status);
    return { ...outcome, ...contract.empty };
  } finally {
    budget.release();
  }
}
