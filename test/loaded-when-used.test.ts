import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DATA_KEY, INGEST_KEY } from './helpers/app.js';

// ioredis and pg are loaded only when a setting asks for them (docs/decisions.md, "Memory"): a
// replica without REDIS_URL or the PostgreSQL sink does not carry their code. Each case is a
// process of its own, since this worker's module cache holds whatever other tests loaded.
const NOWHERE = '127.0.0.1:1';

async function packagesLoaded(env: Record<string, string>): Promise<string[]> {
  const args = ['--import', 'tsx', 'test/helpers/loaded-packages.ts'];
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    env: {
      PATH: process.env.PATH, DATA_ACTION_API_KEYS: DATA_KEY, INGEST_API_KEYS: INGEST_KEY,
      INGEST_FILE_DIR: `/tmp/gdas-loaded-${process.pid}`, ...env,
    },
    timeout: 30_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as string[];
}

describe('packages loaded when used', () => {
  it('loads neither ioredis nor pg with the file sink and no REDIS_URL', async () => {
    const loaded = await packagesLoaded({});
    expect(loaded).toContain('fastify');
    expect(loaded).not.toContain('ioredis');
    expect(loaded).not.toContain('pg');
  });

  it('loads ioredis with REDIS_URL and pg with the PostgreSQL sink, even while both are down', async () => {
    const loaded = await packagesLoaded({
      REDIS_URL: `redis://${NOWHERE}`, INGEST_SINK: 'postgres', DATABASE_URL: `postgres://postgres@${NOWHERE}/none`,
    });
    expect(loaded).toContain('ioredis');
    expect(loaded).toContain('pg');
  });
});
