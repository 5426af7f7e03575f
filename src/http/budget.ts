// A time budget: the milliseconds left and a signal that fires when they run out. A source's
// budget is nested in the request's deadline (SPEC §3: "never past the source's budget or the
// request deadline"), so aborting the request aborts every source under it.

export interface Budget {
  readonly signal: AbortSignal;
  readonly totalMs: number;
  remainingMs(): number;
}

export function startBudget(ms: number, parent?: Budget): Budget {
  const totalMs = Math.max(0, Math.floor(Math.min(ms, parent?.remainingMs() ?? ms)));
  const endsAt = performance.now() + totalMs;
  const timeout = AbortSignal.timeout(totalMs);
  return {
    signal: parent ? AbortSignal.any([timeout, parent.signal]) : timeout,
    totalMs,
    remainingMs: () => Math.max(0, Math.floor(endsAt - performance.now())),
  };
}

/** Settles like `promise`, or rejects with `onAbort()` as soon as `signal` fires. */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal, onAbort: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
