import type { Clock, ClockTimer } from '../clock.js';
import type { TraceScope } from '../tracing/types.js';

// The timing model, once (docs/decisions.md, "One timing model"):
//  - A data action has one deadline, DATA_ACTION_DEADLINE_MS counted from the request's arrival,
//    less the time kept to write the answer.
//  - Each source runs under its own budget, <SOURCE>_TIMEOUT_MS nested in that deadline: the
//    budget is the shorter of the two, and aborting the deadline aborts it.
//  - Work that several callers share (a cached lookup, a token login) runs under a budget of its
//    own, as long as the source's timeout, so that a caller who joins late is not cut short by the
//    first caller's deadline; each caller waits for it only as long as its own budget lasts.
//  - Every layer that waits takes a Budget (transport attempts and their backoff, the pages of a
//    listing, a shared lookup), never milliseconds plus a signal. The layer whose budget ends
//    reports the timeout against that budget; no layer relabels another layer's timeout.
//  - All of it reads one Clock, so tests drive time instead of sleeping.
//  - A budget also carries the span its work belongs to when the request is traced, the way a
//    deadline and a span travel together in one call context (docs/decisions.md, "Tracing").

/** The abort reason of every expired budget: one shared object, nothing allocated per expiry. */
export const BUDGET_EXPIRED = new Error('budget expired');

/**
 * The parts of an AbortSignal that undici and a child budget use. A budget's own is a plain list of
 * listeners rather than an AbortController: a data action starts several budgets, and an
 * EventTarget per budget showed in profiles of the fan-out (docs/decisions.md, "One timing model").
 */
export interface BudgetSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

class Signal implements BudgetSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: (() => void)[] | undefined;

  addEventListener(_type: 'abort', listener: () => void, _options?: { once?: boolean }) {
    if (!this.aborted) (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void) {
    const i = this.listeners?.indexOf(listener) ?? -1;
    if (i >= 0) this.listeners!.splice(i, 1);
  }

  /** Once: every listener is called one time, then forgotten. */
  abort(reason: unknown) {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener();
  }
}

export interface Budget {
  readonly signal: BudgetSignal;
  readonly totalMs: number;
  readonly clock: Clock;
  /** The span of the work under this budget when it is traced; children inherit it. */
  readonly trace?: TraceScope;
  remainingMs(): number;
  /** A budget of at most `ms` inside this one, under `trace` when given, else under this one's. */
  child(ms: number, trace?: TraceScope): Budget;
  /** Settles like `promise`, or rejects with `onExpire()` as soon as this budget ends. */
  race<T>(promise: Promise<T>, onExpire: () => Error): Promise<T>;
  /** Waits `ms` on the clock; rejects with BUDGET_EXPIRED if the budget ends first. */
  sleep(ms: number): Promise<void>;
  /** Stops the timer and unlinks from the parent: call it once the work under the budget is over. */
  release(): void;
}

/**
 * A budget of `ms` on `clock`, cut to what `parent` has left; aborted when the parent aborts. One
 * signal and one cleared timer, no AbortSignal.timeout/any: those leave a timer behind after the
 * work is done.
 */
export function startBudget(ms: number, clock: Clock, parent?: Budget, trace = parent?.trace): Budget {
  const parentSignal = parent?.signal;
  const parentLeft = parent === undefined ? ms : parent.remainingMs();
  const totalMs = Math.max(0, Math.floor(Math.min(ms, parentLeft)));
  const endsAt = clock.now() + totalMs;
  const signal = new Signal();
  const timer: ClockTimer = clock.setTimeout(() => signal.abort(BUDGET_EXPIRED), totalMs);
  const onParentAbort = () => signal.abort(parentSignal?.reason);
  if (parentSignal?.aborted) signal.abort(parentSignal.reason);
  else parentSignal?.addEventListener('abort', onParentAbort, { once: true });

  const budget: Budget = {
    signal,
    totalMs,
    clock,
    trace,
    remainingMs: () => (signal.aborted ? 0 : Math.max(0, Math.floor(endsAt - clock.now()))),
    child: (childMs, childTrace) => startBudget(childMs, clock, budget, childTrace),
    race: (promise, onExpire) => raceSignal(promise, signal, onExpire),
    sleep(waitMs) {
      if (signal.aborted) return Promise.reject(BUDGET_EXPIRED);
      return new Promise<void>((resolve, reject) => {
        const expire = () => {
          clock.clearTimeout(wait);
          reject(BUDGET_EXPIRED);
        };
        const wait = clock.setTimeout(() => {
          signal.removeEventListener('abort', expire);
          resolve();
        }, waitMs);
        signal.addEventListener('abort', expire, { once: true });
      });
    },
    release() {
      clock.clearTimeout(timer);
      parentSignal?.removeEventListener('abort', onParentAbort);
    },
  };
  return budget;
}

function raceSignal<T>(promise: Promise<T>, signal: BudgetSignal, onAbort: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(onAbort());
  // Settle and unlink in one reaction: a then(...).finally(...) chain costs two more promises.
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(err);
      },
    );
  });
}
