import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freePort, waitHealthy, type ServiceProcess } from './helpers/process.js';

const sh = async (command: string) => (await promisify(execFile)('sh', ['-c', command])).stdout;
const json = async (command: string) => JSON.parse(await sh(command));

/** Whether anything accepts a TCP connection at host:port. */
const accepts = (host: string, port: number) => new Promise<boolean>((resolve) => {
  const socket = connect(port, host, () => { socket.destroy(); resolve(true); });
  socket.on('error', () => resolve(false));
});

// `npm run demo` is the README's first command: the simulator and the service, key `demo-key`.
// Every curl command it prints is run here as printed, and must do what its hint says.
describe('npm run demo', () => {
  it('listens on loopback only, and each printed command does what its hint says; Ctrl-C stops it', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/demo.ts'], {
      env: { PATH: process.env.PATH, PORT: String(port), INGEST_FILE_DIR: mkdtempSync(join(tmpdir(), 'gdas-demo-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const service: ServiceProcess = {
      child, url: `http://127.0.0.1:${port}`, output: () => out,
      exited: exited.then((code) => ({ code, signal: null })),
    };
    await waitHealthy(service);
    // The published key must not be reachable from the network: nothing answers on another address.
    const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) expect(await accepts(external.address, port)).toBe(false);
    await expect.poll(() => out).toContain('5. Health, readiness and metrics');
    expect(out).toContain('It listens on this machine only');

    const commands = out.split('\n').filter((l) => l.startsWith('  curl -s ')).map((l) => l.trim());
    expect(commands).toHaveLength(6);
    const [context, event, slowCrm, askCrm, clearFaults, health] = commands as [
      string, string, string, string, string, string,
    ];

    expect(await json(context)).toMatchObject({
      customerId: 'c-123', complete: true, failedSources: '',
      user: { status: 'ok', id: 'u-1' }, crm: { status: 'ok', accountId: 'c-123' }, orders: { status: 'ok', count: 3 },
    });
    expect(await json(event)).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await json(event)).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await json(slowCrm)).toEqual({ backend: 'crm', fault: { latencyMs: 3000 } });
    expect((await json(askCrm)).crm).toMatchObject({ status: 'timeout' });
    expect(await json(clearFaults)).toEqual({ faults: 'cleared' });
    expect((await json(askCrm)).crm).toMatchObject({ status: 'ok', accountId: 'c-456' });
    const [readyz = '', ...metrics] = (await sh(health)).split('\n');
    expect(JSON.parse(readyz)).toMatchObject({ status: 'ready' });
    expect(metrics.join('\n')).toContain('dependency_up{dependency="genesys-login"} 1');

    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
