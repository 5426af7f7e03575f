import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Code is loaded only when a setting asks for it (docs/decisions.md, "Memory"; docs/operations.md,
// "Tracing"): ioredis with REDIS_URL, pg with the PostgreSQL sink, the OpenTelemetry SDK with
// tracing on. Each case is a process of its own, since this worker's module cache holds whatever
// other tests loaded.
const NOWHERE = '127.0.0.1:1';
// The API package (no-op until an SDK registers) is part of the code that asks whether to trace.
const SDK = /^(@opentelemetry\/(?!api$)|@fastify\/otel$)/;

async function loadedWith(env: Record<string, string>): Promise<{ complete: boolean; packages: string[] }> {
  const args = ['--import', 'tsx', 'test/helpers/loaded-packages.ts'];
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    env: { PATH: process.env.PATH, ...env }, timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { complete: boolean; packages: string[] };
}

describe('packages loaded when used', () => {
  it('loads neither ioredis, pg nor the OpenTelemetry SDK by default, and answers', async () => {
    const { complete, packages } = await loadedWith({});
    expect(complete).toBe(true);
    expect(packages).toContain('fastify');
    expect(packages).not.toContain('ioredis');
    expect(packages).not.toContain('pg');
    expect(packages.filter((name) => SDK.test(name))).toEqual([]);
  });

  it('loads the OpenTelemetry SDK once tracing is on', async () => {
    const { complete, packages } = await loadedWith({
      // Nothing listens there: the export at close gives up after its timeout.
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://${NOWHERE}/v1/traces`, OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '200',
    });
    expect(complete).toBe(true);
    expect(packages).toEqual(expect.arrayContaining(['@fastify/otel', '@opentelemetry/sdk-trace']));
  });

  it('loads ioredis with REDIS_URL and pg with the PostgreSQL sink, even while both are down', async () => {
    const { packages } = await loadedWith({
      REDIS_URL: `redis://${NOWHERE}`, INGEST_SINK: 'postgres', DATABASE_URL: `postgres://postgres@${NOWHERE}/none`,
    });
    expect(packages).toContain('ioredis');
    expect(packages).toContain('pg');
  });
});
