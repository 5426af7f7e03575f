import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { INGEST_KEY } from '../helpers/app.js';
import { freePort, spawnService, waitHealthy, type ServiceProcess } from '../helpers/process.js';
import { makeEvent } from '../events/helpers.js';

const OPEN_FILES = 256;
// Idle sockets stay open for the whole test: the header timeout would otherwise close them.
const patient = () => ({
  HEADERS_TIMEOUT_MS: '60000', REQUEST_TIMEOUT_MS: '60000', INGEST_API_KEYS: INGEST_KEY, DATA_ACTION_API_KEYS: 'k',
  INGEST_FILE_DIR: mkdtempSync(join(tmpdir(), 'gdas-fd-')),
});

/** `n` connections that send nothing, and how many of them the service has closed so far. */
async function idleConnections(service: ServiceProcess, n: number) {
  const port = Number(new URL(service.url).port);
  let closedByService = 0;
  let releasing = false;
  const sockets = await Promise.all(Array.from({ length: n }, () => new Promise<Socket>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve(socket));
    socket.once('close', () => {
      if (!releasing) closedByService++;
      resolve(socket);
    });
  })));
  return {
    closedByService: () => closedByService,
    release() {
      releasing = true;
      for (const socket of sockets) socket.destroy();
    },
  };
}

const lines = (service: ServiceProcess, msg: string) =>
  service.output().split('\n').filter((l) => l.includes(`"msg":"${msg}`));

async function metric(service: ServiceProcess, sample: string) {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

// Real service processes started under a low descriptor limit, flooded with idle connections.
describe('running out of connections and descriptors', () => {
  it('refuses connections past half the descriptor limit, logs it once, and serves again when they close', async () => {
    const service = spawnService(patient(), await freePort(), { openFiles: OPEN_FILES });
    await waitHealthy(service);
    const flood = await idleConnections(service, 200);
    await vi.waitFor(() => expect(lines(service, 'refusing new connections')).toHaveLength(1), { timeout: 10_000 });
    const surplus = 200 - OPEN_FILES / 2;
    await vi.waitFor(() => expect(flood.closedByService()).toBeGreaterThanOrEqual(surplus), { timeout: 10_000 });
    expect(service.child.exitCode).toBeNull();
    const refused = flood.closedByService();

    flood.release();
    await waitHealthy(service);
    expect(lines(service, 'refusing new connections')).toHaveLength(1);
    expect(JSON.parse(lines(service, 'refusing new connections')[0]!))
      .toMatchObject({ level: 40, reason: 'max_connections', maxConnections: OPEN_FILES / 2 });
    await vi.waitFor(() => expect(lines(service, 'accepting new connections again')).toHaveLength(1));
    expect(await metric(service, 'http_connections_refused_total{reason="max_connections"}')).toBe(refused);
    expect(await metric(service, 'http_connections_max')).toBe(OPEN_FILES / 2);
    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
  });

  it('survives running out of file descriptors and stores events again once connections close', async () => {
    // An explicit MAX_CONNECTIONS above the descriptor limit: accept() itself runs out, and the
    // load-shedding sampler (every 50 ms here) keeps running meanwhile.
    const service = spawnService({
      ...patient(), MAX_CONNECTIONS: '100000', MAX_EVENT_LOOP_DELAY_MS: '50',
    }, await freePort(), { openFiles: OPEN_FILES });
    await waitHealthy(service);
    const flood = await idleConnections(service, 300);
    const surplus = 300 - OPEN_FILES;
    await vi.waitFor(() => expect(flood.closedByService()).toBeGreaterThanOrEqual(surplus), { timeout: 10_000 });
    await sleep(500); // ten sample windows with no descriptor left
    expect(service.child.exitCode, service.output()).toBeNull();

    flood.release();
    await waitHealthy(service);
    // Sent as EventBridge does, again after a 503: on a busy machine the sampler's 50 ms bound may
    // shed the first tries, or the sink still be reopening, but only with a coded 503.
    const event = JSON.stringify(makeEvent());
    const refusals: string[] = [];
    await vi.waitFor(async () => {
      const answer = await fetch(`${service.url}/v1/events/eventbridge`, {
        method: 'POST', body: event, headers: { 'x-api-key': INGEST_KEY, 'content-type': 'application/json' },
      });
      const body = await answer.text();
      if (answer.status !== 200) refusals.push(`${answer.status} ${body}`);
      expect(answer.status, body).toBe(200);
      const { accepted, duplicates } = JSON.parse(body) as { accepted: number; duplicates: number };
      expect(accepted + duplicates).toBe(1); // a duplicate: a late write of a refused try landed
    }, { timeout: 10_000, interval: 200 });
    for (const refusal of refusals) expect(refusal).toMatch(/^503 \{"error":\{"code":"(OVERLOADED|SINK_UNAVAILABLE|SINK_TIMEOUT)"/);
    expect(service.output()).toContain('MAX_CONNECTIONS is over half the open-file limit');
    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
  });
});
