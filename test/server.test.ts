import { describe, expect, it } from 'vitest';
import { freePort, spawnService, waitHealthy } from './helpers/process.js';

describe('the service process', () => {
  it('refuses to start on an invalid configuration, listing every problem by name', async () => {
    const service = spawnService({ PORT: 'x', CRM_BASE_URL: 'http://crm', DATA_ACTION_API_KEYS: 'hunter2-key' });
    const { code } = await service.exited;
    expect(code).toBe(78);
    const line = JSON.parse(service.output().trim().split('\n').at(-1)!);
    expect(line).toMatchObject({ level: 'fatal', code: 'CONFIG_INVALID' });
    expect(line.problems).toEqual([
      'PORT: must be an integer from 0 to 65535',
      'INGEST_API_KEYS: no credentials for /v1/events/*: set INGEST_API_KEYS or INGEST_BASIC_AUTH (or AUTH_DISABLED=true for a local demo)',
      'CRM_API_KEY: required when CRM_BASE_URL is set',
    ]);
    expect(service.output()).not.toContain('hunter2-key');
  });

  it('serves, warns when auth is disabled, and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    const service = spawnService({ AUTH_DISABLED: 'true', INGEST_FILE_DIR: `/tmp/gdas-server-test-${port}` }, port);
    await waitHealthy(service);
    expect(service.output()).toContain('AUTH_DISABLED=true');
    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(service.output()).toContain('draining');
  });
});
