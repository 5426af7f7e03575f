import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { buildApp, type AppOverrides } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { loggerOptions } from '../../src/logger.js';
import type { SourceDefinition } from '../../src/sources/definition.js';

export const DATA_KEY = 'test-data-key';
export const INGEST_KEY = 'test-ingest-key';

/** A valid configuration for tests: both route families keyed, a private sink folder, quiet logs. */
export function testConfig(env: Record<string, string | undefined> = {}, sources?: readonly SourceDefinition[]) {
  return loadConfig({
    DATA_ACTION_API_KEYS: DATA_KEY,
    INGEST_API_KEYS: INGEST_KEY,
    INGEST_FILE_DIR: mkdtempSync(join(tmpdir(), 'gdas-events-')),
    LOG_LEVEL: 'silent',
    // Load shedding off unless a test is about it: parallel test files load both cores, and a
    // 503 OVERLOADED would hide what the test checks. test/plugins/load-shedding.test.ts turns it on.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    MAX_EVENT_LOOP_UTILIZATION: '0',
    ...env,
  }, sources);
}

/** The problems a configuration is refused with; throws when it is accepted. */
export function configProblems(env: Record<string, string>) {
  try {
    loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
  throw new Error('expected the configuration to be refused');
}

export async function buildTestApp(env: Record<string, string | undefined> = {}, overrides: AppOverrides = {}) {
  const app = await buildApp(testConfig(env), { logger: false, ...overrides });
  await app.ready();
  return app;
}

/** A logger whose JSON lines land in `lines`, to check what the service logs. */
export function capturingLogger(env: Record<string, string | undefined> = {}) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const config = testConfig({ LOG_LEVEL: 'debug', ...env });
  return {
    lines,
    raw: () => lines.map((l) => JSON.stringify(l)).join('\n'),
    logger: pino(loggerOptions(config), stream),
    config,
  };
}
