import type { Attributes, SpanContext } from '@opentelemetry/api';

// What the rest of the service sees of tracing (docs/operations.md, "Tracing"): types only. The OpenTelemetry
// SDK is loaded, and these are implemented (src/tracing/scope.ts), only when tracing is on; with it
// off every `trace` is undefined and each layer's one check is all that runs.

export type CacheResult = 'hit' | 'miss' | 'stale';

/** One span of a traced request, and what the layers under it noted for it. */
export interface TraceScope {
  readonly traceId: string;
  /** What a batch span links to. */
  readonly spanContext: SpanContext;
  /** A child span (a data action's source) as the scope of what runs under it. */
  child(name: string, attributes: Attributes): TraceScope;
  /** A client span for one HTTP attempt under this span. */
  client(request: ClientRequest, resendCount: number): ClientSpan;
  setAttributes(attributes: Attributes): void;
  /** Ends the span; with `failure`, its status is ERROR with that message. */
  end(failure?: string): void;
  /** Retries the transport made under this scope (a source span's `gdas.source.retries`). */
  retries: number;
  /** How a read-through cache answered under this scope. */
  cache?: CacheResult;
}

export interface ClientRequest {
  method: string;
  url: string;
  /** The backend as metrics and errors name it. */
  target: string;
}

export interface ClientSpan {
  /** `traceparent` (and `tracestate`) naming this span, for a backend that continues the trace. */
  headers(): Record<string, string>;
  /** Ends the span with the answer's status and, when the attempt failed, the UpstreamError code. */
  end(outcome: { status?: number; error?: string }): void;
}

/** The tracing of one app, built when tracing is on (src/tracing/sdk.ts). */
export interface Tracing {
  /** A root span for one sink write, linked to the spans of the requests whose events it carries. */
  batch(attributes: Attributes, links: readonly SpanContext[]): TraceScope;
  /** Exports every ended span now. */
  flush(): Promise<void>;
}
