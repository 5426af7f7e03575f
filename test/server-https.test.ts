import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { startSimulator } from '../src/simulator/index.js';
import { linkedFiles, selfSigned, servedFingerprint, tlsFolder } from './helpers/certificates.js';
import { freePort, spawnService, waitHealthy } from './helpers/process.js';
import { exchange } from './helpers/raw-http.js';

const keyed = () =>
  ({ DATA_ACTION_API_KEYS: 'k', INGEST_API_KEYS: 'k', INGEST_FILE_DIR: mkdtempSync(join(tmpdir(), 'gdas-https-')) });

/** The last line of a process that refused its configuration. */
const fatal = (output: string) => JSON.parse(output.trim().split('\n').at(-1)!);

describe('the service process over HTTPS', () => {
  it('reloads the certificate on SIGHUP and keeps serving; SIGTERM still drains', async () => {
    const [first, second] = [selfSigned(), selfSigned()];
    // A change the folder watch does not see: only SIGHUP tells the service.
    const files = linkedFiles(first);
    const port = await freePort();
    const service = spawnService({ ...keyed(), ...files.env }, port);
    await waitHealthy(service);
    expect(await servedFingerprint(port)).toBe(first.fingerprint);

    files.changeInPlace(second);
    service.child.kill('SIGHUP');
    await vi.waitFor(async () => expect(await servedFingerprint(port)).toBe(second.fingerprint), { timeout: 10_000 });
    // The child's log reaches this process through a pipe, after the new certificate may be served.
    const logs = (text: string) => vi.waitFor(() => expect(service.output()).toContain(text), { timeout: 10_000 });
    await logs('"trigger":"SIGHUP"');
    service.child.kill('SIGHUP');
    await logs('"msg":"TLS certificate unchanged"');
    expect(service.child.exitCode).toBeNull();

    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
  });

  it('drains at SIGTERM: answers the request in flight, closes stalled, idle and mid-handshake connections, exits 0',
    async () => {
      const sim = await startSimulator();
      sim.setFault('crm', { latencyMs: 800 });
      const port = await freePort();
      // Timeouts longer than the test: the drain, not Node's timeout checks, has to close these.
      const service = spawnService({ ...keyed(), ...tlsFolder(selfSigned()).env, CRM_BASE_URL: sim.urls.crm,
        CRM_API_KEY: 'sim-crm-key', SHUTDOWN_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '60000',
        REQUEST_TIMEOUT_MS: '60000' }, port);
      await waitHealthy(service);
      const json = 'x-api-key: k\r\ncontent-type: application/json\r\n';
      const inFlight = exchange(port, `POST /v1/data-actions/crm-account HTTP/1.1\r\nHost: x\r\n${json}`
        + 'content-length: 20\r\n\r\n{"customerId":"c-1"}', {});
      const stalled = exchange(port, `POST /v1/events/eventbridge HTTP/1.1\r\nHost: x\r\n${json}`
        + 'content-length: 1000\r\n\r\n{"version":', {});
      const idle = exchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', {});
      const handshaking = exchange(port, ''); // plain TCP: no ClientHello ever comes
      await new Promise((r) => setTimeout(r, 300));
      service.child.kill('SIGTERM');

      expect(await inFlight)
        .toMatchObject({ status: 200, headers: { connection: 'close' }, body: { crm: { status: 'ok' } } });
      expect(await stalled).toMatchObject({ status: 503, body: { error: { code: 'SHUTTING_DOWN' } }, after: '' });
      expect(await idle).toMatchObject({ status: 200, body: { status: 'ok' }, after: '' });
      expect(await handshaking).toMatchObject({ status: 0, after: '' });
      // Exit 0: nothing held the drain until close-with-grace's SHUTDOWN_TIMEOUT_MS forced exit 1.
      expect(await service.exited).toEqual({ code: 0, signal: null });
      await sim.close();
    });

  it.each([
    ['only one of the two variables', () => ({ TLS_CERT_FILE: tlsFolder(selfSigned()).files.certFile }),
      ['TLS_KEY_FILE: required when TLS_CERT_FILE is set']],
    ['a key file that cannot be read',
      () => ({ TLS_CERT_FILE: tlsFolder(selfSigned()).files.certFile, TLS_KEY_FILE: '/nonexistent/tls.key' }),
      ['TLS_KEY_FILE: cannot read /nonexistent/tls.key (ENOENT)']],
    ['the key of another certificate',
      () => ({ ...tlsFolder(selfSigned()).env, TLS_KEY_FILE: tlsFolder(selfSigned()).files.keyFile }),
      [expect.stringMatching(/^TLS_KEY_FILE: \S+ is not the key of the certificate in TLS_CERT_FILE/)]],
  ])('refuses to start with %s: exit 78, naming the variable, never the key', async (_, env, problems) => {
    const service = spawnService({ ...keyed(), ...env() }, await freePort());
    expect((await service.exited).code).toBe(78);
    // 'exit' may come before the last of the child's output: wait for its last line.
    await vi.waitFor(() => expect(service.output()).toContain('CONFIG_INVALID'));
    expect(fatal(service.output())).toMatchObject({ level: 'fatal', code: 'CONFIG_INVALID', problems });
    expect(service.output()).not.toContain('PRIVATE KEY');
  });
});
