import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

// Tracing off costs nothing (docs/operations.md, "Tracing"): not even the loading of the
// OpenTelemetry SDK. Each look runs in a process of its own, which nothing else has loaded into.

const PROBE = fileURLToPath(new URL('./fixtures/loaded-sdk.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function probe(env: Record<string, string>): Promise<{ complete: boolean; loaded: string[] }> {
  return new Promise((resolve, reject) => {
    const args = ['--import', TSX, PROBE, JSON.stringify(env)];
    execFile(process.execPath, args, { timeout: 60_000 }, (err, out, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(JSON.parse(out) as { complete: boolean; loaded: string[] });
    });
  });
}

it('loads nothing of the OpenTelemetry SDK while tracing is off, and loads it once it is on', async () => {
  const off = await probe({});
  expect(off).toEqual({ complete: true, loaded: [] });
  // The same look sees the SDK when an app turns tracing on: the check above can fail.
  const on = await probe({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9/v1/traces' });
  expect(on.loaded.length).toBeGreaterThan(0);
});
