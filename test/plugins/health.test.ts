import { describe, expect, it, vi } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { testConfig } from '../helpers/app.js';

/** dependency_up for one dependency, undefined while it has never been checked. */
async function up(app: App, dependency: string) {
  const text = (await app.inject('/metrics')).body;
  const line = text.split('\n').find((l) => l.startsWith(`dependency_up{dependency="${dependency}"} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('health and readiness', () => {
  it('reports each dependency by name and in dependency_up, and stays ready while one fails', async () => {
    const app = await buildApp(testConfig(), { logger: false });
    let sinkUp = true;
    app.readiness.register('sink', async () => {
      if (!sinkUp) throw new Error('disk full');
    });
    app.readiness.register('genesys-login', async () => {});
    await app.ready();
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { sink: 'ok', 'genesys-login': 'ok' } });
    expect([await up(app, 'sink'), await up(app, 'genesys-login')]).toEqual([1, 1]);

    sinkUp = false;
    const degraded = await app.inject('/readyz');
    expect(degraded.statusCode).toBe(200);
    expect(degraded.json())
      .toMatchObject({ status: 'ready', checks: { sink: 'failed: disk full', 'genesys-login': 'ok' } });
    expect([await up(app, 'sink'), await up(app, 'genesys-login')]).toEqual([0, 1]);
    await app.close();
  });

  it('refreshes dependency_up every 10 s without a probe, and never from a scrape', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const app = await buildApp(testConfig(), { logger: false });
      let sinkUp = false;
      let checks = 0;
      app.readiness.register('sink', async () => {
        checks++;
        if (!sinkUp) throw new Error('disk full');
      });
      await app.ready();
      expect(await up(app, 'sink')).toBeUndefined();
      expect(checks).toBe(0);

      await vi.advanceTimersByTimeAsync(10_000);
      await vi.waitFor(async () => expect(await up(app, 'sink')).toBe(0));
      sinkUp = true;
      await vi.advanceTimersByTimeAsync(10_000);
      await vi.waitFor(async () => expect(await up(app, 'sink')).toBe(1));
      expect(checks).toBe(2);
      await app.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
