import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { freePort, waitHealthy, type ServiceProcess } from './helpers/process.js';

// `npm run demo` is the README's first command: the simulator and the service, key `demo-key`.
describe('npm run demo', () => {
  it('serves a complete customer context and stores an event with the demo key, and stops on Ctrl-C', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/demo.ts'], {
      env: { PATH: process.env.PATH, PORT: String(port), INGEST_FILE_DIR: mkdtempSync(join(tmpdir(), 'gdas-demo-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const service: ServiceProcess = { child, url: `http://127.0.0.1:${port}`, output: () => out, exited: exited.then((code) => ({ code, signal: null })) };
    await waitHealthy(service);

    const post = (path: string, body: unknown) => fetch(`${service.url}${path}`, {
      method: 'POST', headers: { 'x-api-key': 'demo-key', 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const context = await post('/v1/data-actions/customer-context', { customerId: 'c-123', userId: 'u-1', ordersLimit: 3 });
    expect(context.status).toBe(200);
    const doc = await context.json();
    expect(doc).toMatchObject({ customerId: 'c-123', complete: true, failedSources: '', user: { status: 'ok', id: 'u-1' }, crm: { status: 'ok', accountId: 'c-123' }, orders: { status: 'ok', count: 3 } });

    const event = await post('/v1/events/eventbridge', {
      version: '0', id: 'demo-1', 'detail-type': 'demo', source: 'demo', account: '1', time: '2026-11-23T00:00:00Z',
      region: 'us-east-1', resources: [], detail: { n: port },
    });
    expect(await event.json()).toEqual({ accepted: 1, duplicates: 0, results: [{ id: 'demo-1', status: 'accepted' }] });
    expect(out).toContain(`curl -s http://127.0.0.1:${port}/v1/data-actions/customer-context -H 'x-api-key: demo-key'`);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
