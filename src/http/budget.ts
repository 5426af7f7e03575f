// A time budget: the milliseconds left and a signal that fires when they run out. A source's
// budget is nested in the request's deadline (SPEC §3: "never past the source's budget or the
// request deadline"), so aborting the request aborts every source under it.
//
// Built on one AbortController and one cleared timer rather than AbortSignal.timeout/any: those
// leave a timer running after the request is answered and build a DOMException when it fires,
// which cost ~9% of the CPU of a fan-out under load (bench/, --cpu-prof).

export interface Budget {
  readonly signal: AbortSignal;
  readonly totalMs: number;
  remainingMs(): number;
  /** Stops the timer and unlinks from the parent: call it once the work under the budget is over. */
  release(): void;
}

/** The abort reason of every expired budget: one shared object, nothing allocated per expiry. */
export const BUDGET_EXPIRED = new Error('budget expired');

export function startBudget(ms: number, parent?: Budget | AbortSignal): Budget {
  const parentSignal = parent instanceof AbortSignal ? parent : parent?.signal;
  const parentLeft = parent instanceof AbortSignal || parent === undefined ? ms : parent.remainingMs();
  const totalMs = Math.max(0, Math.floor(Math.min(ms, parentLeft)));
  const endsAt = performance.now() + totalMs;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(BUDGET_EXPIRED), totalMs);
  const onParentAbort = () => controller.abort(parentSignal!.reason);
  if (parentSignal?.aborted) controller.abort(parentSignal.reason);
  else parentSignal?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    totalMs,
    remainingMs: () => Math.max(0, Math.floor(endsAt - performance.now())),
    release() {
      clearTimeout(timer);
      parentSignal?.removeEventListener('abort', onParentAbort);
    },
  };
}

/** Settles like `promise`, or rejects with `onAbort()` as soon as `signal` fires. */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal, onAbort: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(onAbort());
  // Settle and unlink in one reaction: a then(...).finally(...) chain costs two more promises
  // per call, and this runs 5 times per fan-out.
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
