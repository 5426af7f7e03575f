import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { configProblems } from '../helpers/app.js';

// Which OTEL_* variables turn tracing on, where spans go, and what is refused at start
// (docs/operations.md, "Tracing").

const keyed = { DATA_ACTION_API_KEYS: 'k1', INGEST_API_KEYS: 'k2' };
const tracingOf = (env: Record<string, string>) => loadConfig({ ...keyed, ...env }).tracing;

const problemsOf = (env: Record<string, string>) => configProblems({ ...keyed, ...env });

describe('tracing settings', () => {
  it('are off without any OTEL_* variable, named after the package and sampled as the caller decides', () => {
    expect(tracingOf({})).toEqual({ enabled: false, tracesUrl: 'http://localhost:4318/v1/traces',
      serviceName: 'genesys-data-actions-service', sampler: 'parentbased_always_on', samplerRatio: 1 });
  });

  it('turn on with an endpoint, a traces endpoint or OTEL_TRACES_EXPORTER=otlp, and send spans where they say', () => {
    expect(tracingOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318/' }))
      .toMatchObject({ enabled: true, tracesUrl: 'https://collector.example:4318/v1/traces' });
    const both = { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://c.example', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c/t' };
    expect(tracingOf(both)).toMatchObject({ enabled: true, tracesUrl: 'http://c/t' });
    expect(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp' }))
      .toMatchObject({ enabled: true, tracesUrl: 'http://localhost:4318/v1/traces' });
    expect(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'gdas-eu', OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }))
      .toMatchObject({ enabled: true, serviceName: 'gdas-eu', sampler: 'traceidratio', samplerRatio: 0.25 });
  });

  it('stay off with OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true, whatever else is set', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(tracingOf({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).enabled).toBe(false);
    expect(tracingOf({ ...endpoint, OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
    expect(tracingOf({ ...endpoint, OTEL_SDK_DISABLED: 'false' }).enabled).toBe(true);
    // Empty values mean unset, as for every variable of the service.
    expect(tracingOf({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_TRACES_EXPORTER: '' }).enabled).toBe(false);
  });

  it('refuse at start what the service cannot do, naming each variable', () => {
    expect(problemsOf({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_EXPORTER: 'zipkin',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318', OTEL_TRACES_SAMPLER: 'sometimes', OTEL_TRACES_SAMPLER_ARG: '2',
      OTEL_SDK_DISABLED: 'yes',
    })).toEqual([
      expect.stringMatching(/^OTEL_SDK_DISABLED: .*"true"\|"false"/),
      'OTEL_TRACES_EXPORTER: must be `otlp` or `none`',
      'OTEL_EXPORTER_OTLP_ENDPOINT: must be an http(s) URL',
      'OTEL_EXPORTER_OTLP_PROTOCOL: only `http/json` is supported (OTLP over HTTP with JSON bodies)',
      'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: only `http/json` is supported (OTLP over HTTP with JSON bodies)',
      expect.stringMatching(/^OTEL_TRACES_SAMPLER: must be one of always_on, always_off, traceidratio, /),
      'OTEL_TRACES_SAMPLER_ARG: must be a number from 0 to 1',
    ]);
  });
});
