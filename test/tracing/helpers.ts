import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { App } from '../../src/app.js';

/** An in-memory exporter for buildApp's `spanExporter` override, and what it received. */
export function spanRecorder() {
  const exporter = new InMemorySpanExporter();
  return {
    exporter,
    /** Every span the app ended so far (the batch processor is flushed first). */
    async spans(app: App) {
      if (!app.tracing) throw new Error('tracing is off in this app');
      await app.tracing.flush();
      return exporter.getFinishedSpans();
    },
  };
}

export const named = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

/** The one span named `name`; fails when there are none or several. */
export function only(spans: ReadableSpan[], name: string) {
  const found = named(spans, name);
  if (found.length !== 1) throw new Error(`${found.length} spans named ${name}, in ${spans.map((s) => s.name).join()}`);
  return found[0]!;
}

export const childrenOf = (spans: ReadableSpan[], parent: ReadableSpan) =>
  spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);

/** A W3C traceparent as a caller sends it. */
export const traceparent = (traceId: string, spanId: string, sampled = true) =>
  `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
