import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { testConfig } from '../helpers/app.js';

describe('health and readiness', () => {
  it('reports each registered dependency by name, 503 when one fails', async () => {
    const app = await buildApp(testConfig(), { logger: false });
    let sinkUp = true;
    app.readiness.register('sink', async () => {
      if (!sinkUp) throw new Error('disk full');
    });
    await app.ready();
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { sink: 'ok' } });
    sinkUp = false;
    const unready = await app.inject('/readyz');
    expect(unready.statusCode).toBe(503);
    expect(unready.json()).toMatchObject({ status: 'unready', checks: { sink: 'failed: disk full' } });
    await app.close();
  });
});
