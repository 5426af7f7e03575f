import {
  defaultTextMapSetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { CacheResult, ClientRequest, ClientSpan, TraceScope } from './types.js';

// Spans of one app, each created under an explicit parent (docs/decisions.md, "Tracing"): the
// service registers no context manager, so nothing depends on an ambient "active span".

const w3c = new W3CTraceContextPropagator();
const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

export class SpanScope implements TraceScope {
  retries = 0;
  cache?: CacheResult;

  constructor(private readonly tracer: Tracer, private readonly span: Span) {}

  get traceId() {
    return this.span.spanContext().traceId;
  }

  get spanContext() {
    return this.span.spanContext();
  }

  child(name: string, attributes: Attributes): TraceScope {
    return new SpanScope(this.tracer, this.tracer.startSpan(name, { attributes }, this.context()));
  }

  /** HTTP client span attributes (OpenTelemetry semantic conventions, "HTTP client spans"). */
  client(request: ClientRequest, resendCount: number): ClientSpan {
    const url = new URL(request.url);
    const attributes: Attributes = {
      'http.request.method': request.method,
      // The query is left out: it may carry a customer's id or a declared backend's key.
      'url.full': `${url.origin}${url.pathname}`,
      'server.address': url.hostname,
      'server.port': url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port),
      'gdas.target': request.target,
      ...(resendCount > 0 && { 'http.request.resend_count': resendCount }),
    };
    const span = this.tracer.startSpan(request.method, { kind: SpanKind.CLIENT, attributes }, this.context());
    return new HttpClientSpan(span);
  }

  setAttributes(attributes: Attributes) {
    this.span.setAttributes(attributes);
  }

  end(failure?: string) {
    if (failure !== undefined) this.span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
    this.span.end();
  }

  /** The context whose span is this one: the parent of new spans, nothing else carried. */
  private context() {
    return trace.setSpan(ROOT_CONTEXT, this.span);
  }
}

class HttpClientSpan implements ClientSpan {
  constructor(private readonly span: Span) {}

  headers() {
    const carrier: Record<string, string> = {};
    w3c.inject(trace.setSpan(ROOT_CONTEXT, this.span), carrier, defaultTextMapSetter);
    return carrier;
  }

  end({ status, error }: { status?: number; error?: string }) {
    if (status !== undefined) this.span.setAttribute('http.response.status_code', status);
    const failed = status !== undefined && status >= 400 ? String(status) : error;
    if (failed !== undefined) {
      this.span.setAttribute('error.type', failed);
      this.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    this.span.end();
  }
}
