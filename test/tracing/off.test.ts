import { createRequire } from 'node:module';
import { afterEach, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp, DATA_KEY } from '../helpers/app.js';

// Tracing off costs nothing (docs/operations.md, "Tracing"): not even the loading of the
// OpenTelemetry SDK. This file runs in a process of its own (vitest's forks pool, one per file).

const PACKAGES = ['@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/otlp-',
  '@opentelemetry/core', '@opentelemetry/resources', '@opentelemetry/instrumentation', '@fastify/otel'];
const SDK = new RegExp(`node_modules/(${PACKAGES.join('|')})`);
const loadedSdk = () => Object.keys(createRequire(import.meta.url).cache).filter((path) => SDK.test(path));

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

it('loads nothing of the OpenTelemetry SDK while tracing is off, and loads it once it is on', async () => {
  app = await buildTestApp();
  const res = await app.inject({
    method: 'POST', url: '/v1/data-actions/customer-context', payload: { customerId: 'c-1' },
    headers: { 'x-api-key': DATA_KEY, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
  });
  expect(res.json().complete).toBe(true);
  expect(loadedSdk()).toEqual([]);
  await app.close();

  // The same look sees the SDK when an app turns tracing on: the check above can fail.
  app = await buildTestApp({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9/v1/traces' });
  expect(loadedSdk().length).toBeGreaterThan(0);
});
