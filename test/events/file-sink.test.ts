import { appendFile, mkdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileNameFor } from '../../src/events/sinks/file.js';
import { testConfig } from '../helpers/app.js';
import { buildEventsApp, makeEvent, metric, post, readRecords, republish, until } from './helpers.js';

describe('file sink faults, restart and shutdown', () => {
  it('answers 503 with retry-after while the day file cannot be written, then stores the retry', async () => {
    const app = await buildEventsApp();
    const dir = app.config.ingest.fileDir;
    // A directory where the day file should be: open() really fails (EISDIR), even as root.
    const path = join(dir, fileNameFor(Date.now()));
    await mkdir(path);
    const event = makeEvent();
    const failed = await post(app, event);
    expect(failed.statusCode).toBe(503);
    expect(failed.headers['retry-after']).toBe('5');
    expect(failed.json().error.code).toBe('SINK_UNAVAILABLE');
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200); // a sink outage is reported, not a reason to leave the load balancer
    expect(ready.json().checks.sink).toMatch(/^failed/);
    expect(await metric(app, 'ingest_sink_write_duration_seconds_count{sink="file",outcome="error"}')).toBe(1);

    await rmdir(path);
    const retried = await post(app, event);
    expect(retried.json()).toEqual({ accepted: 1, duplicates: 0, results: [{ id: event.id, status: 'accepted' }] });
    expect(await readRecords(dir)).toHaveLength(1);
    await app.close();
  });

  it('remembers stored events across a restart and appends after a torn last line', async () => {
    const config = testConfig();
    const dir = config.ingest.fileDir;
    const events = [makeEvent(), makeEvent()];
    const first = await buildEventsApp({ INGEST_FILE_DIR: dir });
    for (const e of events) expect((await post(first, e)).json().accepted).toBe(1);
    await first.close();
    // A crash in the middle of a later write left half a line.
    const file = join(dir, fileNameFor(Date.now()));
    await appendFile(file, '{"key":"torn","id":"x","rece');

    const second = await buildEventsApp({ INGEST_FILE_DIR: dir });
    for (const e of events) expect((await post(second, republish(e))).json().results[0].status).toBe('duplicate');
    const fresh = makeEvent();
    expect((await post(second, fresh)).json().accepted).toBe(1);
    await second.close();

    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines).toContain('{"key":"torn","id":"x","rece');
    expect((await readRecords(dir)).map((r) => r.id)).toEqual([...events.map((e) => e.id), fresh.id]);
  });

  it('writes what is pending on close and answers those requests with 200', async () => {
    // A long linger keeps events pending, so close() finds them in the queue.
    const app = await buildEventsApp({ BATCH_MAX_WAIT_MS: '1000' });
    const events = Array.from({ length: 5 }, makeEvent);
    const answers = Promise.all(events.map((e) => post(app, e)));
    await until(async () => (await metric(app, 'ingest_pending_events')) > 0
      || (await readRecords(app.config.ingest.fileDir)).length > 0, 'pending events');
    await app.close();
    expect((await answers).map((a) => a.statusCode)).toEqual(events.map(() => 200));
    expect((await readRecords(app.config.ingest.fileDir)).map((r) => r.id).sort())
      .toEqual(events.map((e) => e.id).sort());
  });
});
