import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { testConfig } from '../helpers/app.js';

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((r) => { open = r; });
  return { open, opened };
};

describe('graceful shutdown', () => {
  it('finishes in-flight requests while new ones get 503 with retry-after', async () => {
    const app = await buildApp(testConfig(), { logger: false });
    const handler = gate();
    const entered = gate();
    const drain = gate(); // holds close() before the listener stops, as a slow drain would
    app.get('/slow', async () => {
      entered.open();
      await handler.opened;
      return { done: true };
    });
    app.addHook('preClose', async () => drain.opened);
    const address = await app.listen({ port: 0, host: '127.0.0.1' });

    const inFlight = fetch(`${address}/slow`);
    await entered.opened;
    const closed = app.close();

    const late = await fetch(`${address}/slow`);
    expect(late.status).toBe(503);
    expect(late.headers.get('retry-after')).toBe('5');
    expect(await late.json()).toEqual({ error: { code: 'SHUTTING_DOWN', message: expect.any(String), fields: {} } });
    const readyz = await fetch(`${address}/readyz`);
    expect(readyz.status).toBe(503);

    handler.open();
    const res = await inFlight;
    expect(res.status).toBe(200);
    // Closed after the answer, so an idle keep-alive socket cannot hold the drain open.
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toEqual({ done: true });
    drain.open();
    await closed;
  });
});
