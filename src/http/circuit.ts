import type { Gauge } from 'prom-client';
import type { Clock } from '../clock.js';
import { upstream, UpstreamError } from './errors.js';

// A small consecutive-failure breaker per source ("circuit open" is `unavailable`, docs/contract.md): after
// `failureThreshold` failures in a row it answers at once without calling the backend; after
// `resetMs` one probe goes through, and its outcome closes or reopens the circuit.

const STATE = { closed: 0, 'half-open': 1, open: 2 } as const;
type CircuitState = keyof typeof STATE;

/** What a source holds: the breaker, or (for the bench's ablation only) a pass-through. */
export interface Breaker {
  readonly current: CircuitState;
  run<T>(call: () => Promise<T>): Promise<T>;
}

/** No circuit at all: every call goes through (bench/README.md, "Ablation"). */
export const PASS_THROUGH: Breaker = { current: 'closed', run: (call) => call() };

/** Answers that say the backend is down or broken; a 404, 429 or refused key says it is up. */
const FAILURES = new Set(['UPSTREAM_TIMEOUT', 'UPSTREAM_UNAVAILABLE', 'UPSTREAM_ERROR', 'UPSTREAM_BAD_RESPONSE']);
const isFailure = (err: unknown) => err instanceof UpstreamError && FAILURES.has(err.code);

export interface CircuitOptions {
  failureThreshold: number;
  resetMs: number;
}

export class CircuitBreaker implements Breaker {
  private state: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probing = false;

  constructor(
    private readonly name: string,
    private readonly opts: CircuitOptions,
    private readonly gauge: Gauge<'source'>,
    private readonly clock: Clock,
  ) {
    gauge.set({ source: name }, STATE.closed);
  }

  /** As the last call left it: what a source's span reports (`gdas.source.circuit`). */
  get current(): CircuitState {
    return this.state;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.state === 'open' && this.clock.now() - this.openedAt >= this.opts.resetMs) this.enter('half-open');
    if (this.state === 'open' || (this.state === 'half-open' && this.probing)) throw upstream.circuitOpen(this.name);
    const probe = this.state === 'half-open';
    this.probing = probe;
    try {
      const value = await call();
      this.record(false);
      return value;
    } catch (err) {
      this.record(isFailure(err));
      throw err;
    } finally {
      if (probe) this.probing = false;
    }
  }

  private record(failed: boolean) {
    if (!failed) {
      this.failures = 0;
      if (this.state !== 'closed') this.enter('closed');
      return;
    }
    this.failures += 1;
    if (this.state === 'half-open' || this.failures >= this.opts.failureThreshold) {
      this.openedAt = this.clock.now();
      this.enter('open');
    }
  }

  private enter(state: CircuitState) {
    this.state = state;
    this.gauge.set({ source: this.name }, STATE[state]);
  }
}
