import { mkdtempSync } from 'node:fs';
import { mkdir, readFile, rename, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { fileNameFor } from '../../src/events/sinks/file.js';
import { buildEventsApp, makeEvent, post, readRecords } from './helpers.js';

// What an operator (or a housekeeping job) does to the sink folder under a running service:
// every 200 must still be on disk under INGEST_FILE_DIR, and a 503 leaves nothing behind.
const idsIn = async (file: string) =>
  (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l).id as string);

describe('file sink: the folder and the day file changed under it', () => {
  it('recreates a removed folder and writes there: the 200 is on disk', async () => {
    const app = await buildEventsApp();
    const dir = app.config.ingest.fileDir;
    expect((await post(app, makeEvent())).statusCode).toBe(200);
    await rm(dir, { recursive: true });
    const after = makeEvent();
    expect((await post(app, after)).json().accepted).toBe(1);
    expect((await readRecords(dir)).map((r) => r.id)).toEqual([after.id]);
    await app.close();
  });

  it('writes to the file the path names when the open one was moved away, and takes the batch back', async () => {
    const app = await buildEventsApp();
    const dir = app.config.ingest.fileDir;
    const file = join(dir, fileNameFor(Date.now()));
    const [before, after] = [makeEvent(), makeEvent()];
    expect((await post(app, before)).statusCode).toBe(200);
    await rename(file, `${file}.moved`);
    expect((await post(app, after)).json().accepted).toBe(1);
    expect(await idsIn(file)).toEqual([after.id]);
    expect(await idsIn(`${file}.moved`)).toEqual([before.id]);
    await app.close();
  });

  it('answers 503 when the open day file became a folder, keeps nothing of the batch, stores the retry', async () => {
    const app = await buildEventsApp();
    const dir = app.config.ingest.fileDir;
    const file = join(dir, fileNameFor(Date.now()));
    const [before, during] = [makeEvent(), makeEvent()];
    expect((await post(app, before)).statusCode).toBe(200);
    await rename(file, `${file}.aside`);
    await mkdir(file);
    const failed = await post(app, during);
    expect(failed.statusCode).toBe(503);
    expect(failed.json().error.code).toBe('SINK_UNAVAILABLE');
    expect(await idsIn(`${file}.aside`)).toEqual([before.id]);

    await rmdir(file);
    expect((await post(app, during)).json().results).toEqual([{ id: during.id, status: 'accepted' }]);
    expect((await readRecords(dir)).map((r) => r.id)).toEqual([during.id]);
    await app.close();
  });

  it('answers 503 while the folder is a regular file, then recreates the folder once it is gone', async () => {
    const app = await buildEventsApp();
    const dir = app.config.ingest.fileDir;
    expect((await post(app, makeEvent())).statusCode).toBe(200);
    await rm(dir, { recursive: true });
    await writeFile(dir, 'not a folder');
    const event = makeEvent();
    const failed = await post(app, event);
    expect(failed.statusCode).toBe(503);
    expect(failed.headers['retry-after']).toBe('5');
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json().checks.sink).toMatch(/^failed/);

    await unlink(dir);
    expect((await post(app, event)).json().accepted).toBe(1);
    expect((await readRecords(dir)).map((r) => r.id)).toEqual([event.id]);
    await app.close();
  });

  it('keeps a batch written at 23:59:59.999 in a file that exists when housekeeping takes the day away', async () => {
    let now = Date.parse('2031-03-09T23:59:59.999Z');
    const app = await buildEventsApp({}, { clock: { ...systemClock, wallNow: () => now } });
    const dir = app.config.ingest.fileDir;
    const archive = mkdtempSync(join(tmpdir(), 'gdas-archive-'));
    const [early, late, next] = [makeEvent(), makeEvent(), makeEvent()];
    expect((await post(app, early)).statusCode).toBe(200);
    // The job archives the day at midnight while the sink's clock still reads 23:59:59.999.
    await rename(join(dir, 'events-2031-03-09.ndjson'), join(archive, 'events-2031-03-09.ndjson'));
    expect((await post(app, late)).statusCode).toBe(200);
    now += 1;
    expect((await post(app, next)).statusCode).toBe(200);

    expect(await idsIn(join(archive, 'events-2031-03-09.ndjson'))).toEqual([early.id]);
    expect(await idsIn(join(dir, 'events-2031-03-09.ndjson'))).toEqual([late.id]);
    expect(await idsIn(join(dir, 'events-2031-03-10.ndjson'))).toEqual([next.id]);
    await app.close();
  });
});
