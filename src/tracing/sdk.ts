import { FastifyOtelInstrumentation } from '@fastify/otel';
import { propagation, type Attributes, type SpanContext } from '@opentelemetry/api';
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider,
  type Sampler, type SpanExporter,
} from '@opentelemetry/sdk-trace';
import type { FastifyBaseLogger } from 'fastify';
import { PACKAGE_NAME, packageVersion } from '../package.js';
import { SpanScope } from './scope.js';
import type { TracingSettings } from './settings.js';
import type { Tracing } from './types.js';

// The OpenTelemetry SDK of one app (docs/operations.md, "Tracing"), loaded only when tracing is on: its own
// tracer provider, the OTLP/HTTP JSON exporter, and @fastify/otel for the inbound request span.

function samplerOf({ sampler, samplerRatio }: TracingSettings): Sampler {
  const parentBased = sampler.startsWith('parentbased_');
  const root = parentBased ? sampler.slice('parentbased_'.length) : sampler;
  const rootSampler = root === 'always_on' ? new AlwaysOnSampler()
    : root === 'always_off' ? new AlwaysOffSampler() : new TraceIdRatioBasedSampler(samplerRatio);
  return parentBased ? new ParentBasedSampler({ root: rootSampler }) : rootSampler;
}

/** The SDK reports export failures to a global diagnostic logger, silent by default: log them, once per episode. */
function reportingFailures(exporter: SpanExporter, log: FastifyBaseLogger): SpanExporter {
  let failing = false;
  return {
    export(spans, done) {
      exporter.export(spans, (result) => {
        const ok = result.code === ExportResultCode.SUCCESS;
        if (!ok && !failing) {
          log.warn({ err: result.error, spans: spans.length }, 'span export failed: spans are dropped until it works');
        }
        if (ok && failing) log.info('span export works again');
        failing = !ok;
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

/** Only the API routes are traced: probes, scrapes and the OpenAPI document would bury them. */
const untraced = (route: { url: string }) => !route.url.startsWith('/v1/');

export interface TracingOptions {
  /** Where spans go instead of OTLP (tests: an in-memory exporter). */
  exporter?: SpanExporter;
  log: FastifyBaseLogger;
  /** A batch span links every request it carries: BATCH_MAX_SIZE at most. */
  maxLinks: number;
}

export function startTracing(settings: TracingSettings, opts: TracingOptions) {
  const version = packageVersion();
  const exporter = opts.exporter ?? new OTLPTraceExporter({ url: settings.tracesUrl });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName, 'service.version': version }),
    sampler: samplerOf(settings),
    spanLimits: { linkCountLimit: opts.maxLinks },
    spanProcessors: [new BatchSpanProcessor({ exporter: reportingFailures(exporter, opts.log) })],
  });
  const tracer = provider.getTracer(PACKAGE_NAME, version);
  // @fastify/otel reads a caller's traceparent through the API's global propagator: a stateless
  // W3C codec, the same for every app of the process. Already registered, it stays as it is.
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const instrumentation = new FastifyOtelInstrumentation({
    instrumentHooks: false,
    instrumentHandler: false,
    ignorePaths: untraced,
    requestHook(span, request) {
      const route = request.routeOptions.url;
      span.updateName(route === undefined ? request.method : `${request.method} ${route}`);
      request.trace = new SpanScope(tracer, span);
    },
  });
  instrumentation.setTracerProvider(provider);

  const tracing: Tracing = {
    batch: (attributes: Attributes, links: readonly SpanContext[]) => new SpanScope(tracer,
      tracer.startSpan('sink write', { root: true, attributes, links: links.map((context) => ({ context })) })),
    // A failed export is reported by the exporter (reportingFailures): flushing itself never fails.
    flush: () => provider.forceFlush().catch(() => undefined),
  };
  return { tracing, plugin: instrumentation.plugin(), shutdown: () => provider.shutdown().catch(() => undefined) };
}
