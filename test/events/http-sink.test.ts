import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import type { AppOverrides } from '../../src/app.js';
import { manualClock } from '../helpers/clock.js';
import { buildEventsApp, makeEvent, metric, post, republish, until } from './helpers.js';

type Shipped = { key: string; id: string; receivedAt: string; event: unknown };

// The HTTP sink against the simulator's collector over loopback, with its faults switched per test.
describe('HTTP sink (collector)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  beforeEach(() => sim.reset());
  afterAll(() => sim.close());

  const app = (env: Record<string, string> = {}, overrides: AppOverrides = {}) =>
    buildEventsApp({ INGEST_SINK: 'http', INGEST_HTTP_URL: `${sim.urls.collector}/events`, ...env }, overrides);
  const shippedIds = () => (sim.collected() as Shipped[]).map((r) => r.id);

  it('ships one POST per batch and answers once the collector said 2xx', async () => {
    const service = await app();
    const events = Array.from({ length: 20 }, makeEvent);
    const answers = await Promise.all(events.map((e) => post(service, e)));
    expect(answers.every((a) => a.json().accepted === 1)).toBe(true);
    expect(shippedIds().sort()).toEqual(events.map((e) => e.id).sort());
    expect(sim.collected()[0]).toEqual({
      key: expect.any(String), id: expect.any(String), receivedAt: expect.any(String), event: expect.any(Object),
    });
    expect(sim.hits('collector')).toBeLessThan(events.length);
    expect((await post(service, republish(events[0]!))).json().duplicates).toBe(1);
    await service.close();
  });

  it('retries a collector answering 503 and still acknowledges', async () => {
    const service = await app();
    sim.setFault('collector', { kind: 'status', status: 503, times: 2 });
    const event = makeEvent();
    expect((await post(service, event)).json().accepted).toBe(1);
    expect(sim.hits('collector')).toBe(3);
    expect(shippedIds()).toEqual([event.id]);
    expect(await metric(service, 'outbound_retries_total{target="ingest-collector",reason="503"}')).toBe(2);
    await service.close();
  });

  it('retries a 500 and a dropped connection too, since the collector drops what it has by key', async () => {
    const service = await app();
    sim.setFault('collector', { kind: 'status', status: 500, times: 1 });
    const first = makeEvent();
    expect((await post(service, first)).json().accepted).toBe(1);
    sim.setFault('collector', { kind: 'reset', times: 1 });
    const second = makeEvent();
    expect((await post(service, second)).json().accepted).toBe(1);
    expect(shippedIds()).toEqual([first.id, second.id]);
    expect(await metric(service, 'outbound_retries_total{target="ingest-collector",reason="5xx"}')).toBe(1);
    expect(await metric(service, 'outbound_retries_total{target="ingest-collector",reason="reset"}')).toBe(1);
    await service.close();
  });

  it('answers 503 while the collector keeps failing, then stores the retried event once', async () => {
    const service = await app();
    sim.setFault('collector', { kind: 'status', status: 503 });
    const event = makeEvent();
    const failed = await post(service, event);
    expect(failed.statusCode).toBe(503);
    expect(failed.headers['retry-after']).toBe('5');
    expect(failed.json().error.code).toBe('SINK_UNAVAILABLE');
    expect((await service.inject({ method: 'GET', url: '/readyz' })).json().checks.sink).toMatch(/^failed/);

    sim.clearFaults();
    expect((await post(service, event)).json().results).toEqual([{ id: event.id, status: 'accepted' }]);
    expect(shippedIds()).toEqual([event.id]);
    await service.close();
  });

  it("answers 503 SINK_TIMEOUT before EventBridge's 5 s timeout when the write runs late, "
    + 'and the redelivery is a duplicate', async () => {
    // The app runs on a clock the test moves: 4.5 s pass while the collector, in real time, is
    // still on its way; the write's own budget (INGEST_HTTP_TIMEOUT_MS) ends 1 ms later.
    const { clock, advance } = manualClock();
    const service = await app({ INGEST_HTTP_TIMEOUT_MS: '4500' }, { clock });
    sim.setFault('collector', { latencyMs: 300, times: 1 });
    const late = makeEvent();
    const answer = post(service, late);
    await until(async () => sim.hits('collector') === 1, 'the write to start');
    await advance(4499);
    const refused = await answer;
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json().error.code).toBe('SINK_TIMEOUT');
    // The write went on; EventBridge's redelivery waits for it and is answered as a duplicate.
    expect((await post(service, republish(late))).json().results[0].status).toBe('duplicate');
    expect(shippedIds()).toEqual([late.id]);
    expect(await metric(service, 'ingest_events_total{result="late"}')).toBe(1);
    await service.close();
  });

  it('answers 429 QUEUE_FULL past INGEST_QUEUE_MAX while the collector is slow', async () => {
    const service = await app({ INGEST_QUEUE_MAX: '3' });
    sim.setFault('collector', { latencyMs: 500 });
    const waiting = [makeEvent(), makeEvent(), makeEvent()];
    const answers = Promise.all(waiting.map((e) => post(service, e)));
    await until(async () => (await metric(service, 'ingest_pending_events')) === 2, 'two pending events');
    const refused = await post(service, makeEvent());
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json().error.code).toBe('QUEUE_FULL');
    expect((await answers).map((a) => a.statusCode)).toEqual([200, 200, 200]);
    expect(shippedIds().sort()).toEqual(waiting.map((e) => e.id).sort());
    await service.close();
  });
});
