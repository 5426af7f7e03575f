import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { DATA_KEY, testConfig } from '../helpers/app.js';

/** Keeps the event loop busy, as a CPU-bound burst or a long GC pause would. */
function blockEventLoop(ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end) { /* busy */ }
}

describe('load shedding', () => {
  it('answers 503 OVERLOADED with retry-after while the event loop stalls, and keeps health routes up', async () => {
    const app = await buildApp(testConfig({ MAX_EVENT_LOOP_DELAY_MS: '50', MAX_EVENT_LOOP_UTILIZATION: '0' }),
      { logger: false });
    // The real data-action route when it exists (no backends: every source is skipped), else a stand-in.
    const real = { method: 'POST' as const, url: '/v1/data-actions/customer-context' };
    if (!app.hasRoute(real)) {
      app.post(real.url, { onRequest: app.authenticate.dataActions }, async () => ({ ok: true }));
    }
    await app.ready();
    const dataAction = () =>
      app.inject({ ...real, headers: { 'x-api-key': DATA_KEY }, payload: { customerId: 'c-1' } });
    // Start-up itself is busy enough to trip a 50 ms threshold: wait until the loop has settled.
    const untilServed = async () => {
      for (let i = 0; i < 100; i++) {
        if ((await dataAction()).statusCode === 200) return true;
        await sleep(20);
      }
      return false;
    };
    expect(await untilServed()).toBe(true);

    blockEventLoop(600);
    // The stall shows in the first or second sample window after it (whichever timer runs first).
    let shed;
    for (let i = 0; i < 50 && !shed; i++) {
      const [data, health, ready, metrics] = await Promise.all([
        dataAction(),
        app.inject('/healthz'),
        app.inject('/readyz'),
        app.inject('/metrics'),
      ]);
      if (data.statusCode === 503) shed = { data, health, ready, metrics };
      else await sleep(5);
    }
    expect(shed, 'no request was shed').toBeDefined();
    expect(shed!.data.json()).toEqual({
      error: { code: 'OVERLOADED', message: 'the service is shedding load, retry later', fields: {} },
    });
    expect(Number(shed!.data.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(shed!.health.statusCode).toBe(200);
    expect(shed!.ready.statusCode).toBe(200);
    expect(shed!.metrics.statusCode).toBe(200);

    // Once the loop is free again, requests are served.
    expect(await untilServed()).toBe(true);
    await app.close();
  });
});
