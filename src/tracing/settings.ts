import { z } from 'zod';
import { bool, optional, text, url } from '../env.js';
import { PACKAGE_NAME } from '../package.js';

// The OpenTelemetry variables the service reads (docs/operations.md, "Tracing"), named and defaulted as the
// OpenTelemetry specification names them ("Environment Variable Specification"). Tracing is off
// unless one of them says where spans go; the exporter's transport details (OTEL_EXPORTER_OTLP_HEADERS,
// _TIMEOUT, _COMPRESSION, _CERTIFICATE) are read by the OTLP exporter itself.

const SAMPLERS = [
  'always_on', 'always_off', 'traceidratio',
  'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

const JSON_ONLY = 'only `http/json` is supported (OTLP over HTTP with JSON bodies)';
const protocol = optional(z.literal('http/json', { error: JSON_ONLY }));

export const tracingVariables = {
  OTEL_SDK_DISABLED: bool.meta({ description: '`true` turns tracing off whatever else is set' }),
  OTEL_TRACES_EXPORTER: optional(z.enum(['otlp', 'none'], { error: 'must be `otlp` or `none`' })).meta({
    description: '`otlp` turns tracing on (to `http://localhost:4318` without an endpoint), `none` turns it off',
  }),
  OTEL_EXPORTER_OTLP_ENDPOINT: url.meta({
    description: 'OTLP/HTTP collector base URL; spans go to `<url>/v1/traces`. Setting it turns tracing on',
  }),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url.meta({
    description: 'full URL spans are POSTed to, used as is; wins over `OTEL_EXPORTER_OTLP_ENDPOINT`; turns tracing on',
  }),
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol.meta({ description: 'unset or `http/json` (spans are sent as OTLP JSON)' }),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol.meta({ description: 'the same for traces only' }),
  OTEL_SERVICE_NAME: text.transform((v) => v ?? PACKAGE_NAME).meta({ description: '`service.name` of the spans' }),
  OTEL_TRACES_SAMPLER: optional(z.enum(SAMPLERS, { error: `must be one of ${SAMPLERS.join(', ')}` }))
    .transform((v) => v ?? 'parentbased_always_on')
    .meta({ description: 'which requests are traced; `parentbased_*` follows the caller\'s `traceparent` decision' }),
  OTEL_TRACES_SAMPLER_ARG: optional(z.coerce.number({ error: 'must be a number from 0 to 1' })
    .min(0, { error: 'must be a number from 0 to 1' }).max(1, { error: 'must be a number from 0 to 1' }))
    .transform((v) => v ?? 1)
    .meta({ description: 'the ratio of the `*traceidratio` samplers, 0-1' }),
};

type TracingEnv = z.output<z.ZodObject<typeof tracingVariables>>;

export interface TracingSettings {
  /** False: no tracer, no spans, no `traceparent` sent (docs/decisions.md, "Tracing"). */
  enabled: boolean;
  /** Where the OTLP exporter POSTs spans. */
  tracesUrl: string;
  serviceName: string;
  sampler: SamplerName;
  samplerRatio: number;
}

const DEFAULT_ENDPOINT = 'http://localhost:4318';

export function tracingSettings(env: TracingEnv): TracingSettings {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const exporter = env.OTEL_TRACES_EXPORTER;
  const asked = exporter === 'otlp' || endpoint !== undefined || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT !== undefined;
  return {
    enabled: asked && exporter !== 'none' && !env.OTEL_SDK_DISABLED,
    tracesUrl: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${endpoint ?? DEFAULT_ENDPOINT}/v1/traces`,
    serviceName: env.OTEL_SERVICE_NAME,
    sampler: env.OTEL_TRACES_SAMPLER,
    samplerRatio: env.OTEL_TRACES_SAMPLER_ARG,
  };
}
