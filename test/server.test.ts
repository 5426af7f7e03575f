import { describe, expect, it } from 'vitest';
import { startSimulator } from '../src/simulator/index.js';
import { freePort, spawnService, waitHealthy } from './helpers/process.js';
import { exchange } from './helpers/raw-http.js';

describe('the service process', () => {
  it('refuses to start on an invalid configuration, listing every problem by name', async () => {
    const service = spawnService({ PORT: 'x', CRM_BASE_URL: 'http://crm', DATA_ACTION_API_KEYS: 'hunter2-key' });
    const { code } = await service.exited;
    expect(code).toBe(78);
    const line = JSON.parse(service.output().trim().split('\n').at(-1)!);
    expect(line).toMatchObject({ level: 'fatal', code: 'CONFIG_INVALID' });
    expect(line.problems).toEqual([
      'PORT: must be an integer from 0 to 65535',
      'INGEST_API_KEYS: no credentials for /v1/events/*: set INGEST_API_KEYS or INGEST_BASIC_AUTH '
        + '(or AUTH_DISABLED=true for a local demo)',
      'CRM_API_KEY: required when CRM_BASE_URL is set (backends[0] reads it)',
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

  /** The service with a CRM that takes 800 ms, and a data action that waits on it. */
  async function withSlowCrm(env: Record<string, string> = {}) {
    const sim = await startSimulator();
    sim.setFault('crm', { latencyMs: 800 });
    const port = await freePort();
    const service = spawnService({
      DATA_ACTION_API_KEYS: 'k', INGEST_API_KEYS: 'k', INGEST_FILE_DIR: `/tmp/gdas-server-test-${port}`,
      CRM_BASE_URL: sim.urls.crm, CRM_API_KEY: 'sim-crm-key', SHUTDOWN_TIMEOUT_MS: '5000', ...env,
    }, port);
    await waitHealthy(service); // fetch keeps this connection alive for the next request
    const askCrm = async () => {
      const res = await fetch(`${service.url}/v1/data-actions/crm-account`, {
        method: 'POST', headers: { 'x-api-key': 'k', 'content-type': 'application/json' }, body: '{"customerId":"c-1"}',
      });
      return { status: res.status, crm: ((await res.json()) as { crm: { status: string } }).crm.status };
    };
    return { sim, service, port, askCrm };
  }

  it('answers a request in flight at SIGTERM, then closes its keep-alive connection and exits 0', async () => {
    const { sim, service, askCrm } = await withSlowCrm();
    const inFlight = askCrm();
    await new Promise((r) => setTimeout(r, 300));
    service.child.kill('SIGTERM');
    expect(await inFlight).toEqual({ status: 200, crm: 'ok' });
    // Exit 0: drained before close-with-grace's SHUTDOWN_TIMEOUT_MS would force exit 1.
    expect(await service.exited).toEqual({ code: 0, signal: null });
    await sim.close();
  });

  it('closes stalled uploads, silent and idle connections at SIGTERM, answers the one in flight, exits 0', async () => {
    // Timeouts longer than the test: the drain, not Node's timeout checker, has to close these.
    const patient = { REQUEST_TIMEOUT_MS: '60000', HEADERS_TIMEOUT_MS: '60000' };
    const { sim, service, port, askCrm } = await withSlowCrm(patient);
    const stalled = exchange(port, 'POST /v1/events/eventbridge HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\n'
      + 'content-type: application/json\r\ncontent-length: 1000\r\n\r\n{"version":');
    const silent = exchange(port, '');
    const idle = exchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    const inFlight = askCrm();
    await new Promise((r) => setTimeout(r, 300));
    service.child.kill('SIGTERM');

    expect(await inFlight).toEqual({ status: 200, crm: 'ok' });
    expect(await stalled).toMatchObject({
      status: 503, headers: { 'retry-after': '5', connection: 'close' },
      body: { error: { code: 'SHUTTING_DOWN', message: expect.any(String), fields: {} } }, after: '',
    });
    expect(await idle).toMatchObject({ status: 200, body: { status: 'ok' }, after: '' });
    expect(await silent).toMatchObject({ status: 0, after: '' });
    // Exit 0: nothing held the drain until close-with-grace's SHUTDOWN_TIMEOUT_MS forced exit 1.
    expect(await service.exited).toEqual({ code: 0, signal: null });
    await sim.close();
  });
});
