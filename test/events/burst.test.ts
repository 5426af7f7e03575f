import { mkdtempSync } from 'node:fs';
import { readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../src/events/schemas.js';
import { INGEST_KEY } from '../helpers/app.js';
import { countByKey, makeEvent, readRecords } from './helpers.js';
import { startService } from './service.js';

/* eslint-disable no-console -- the figures each run saw are printed so they can be quoted */
const EVENTS = 20_000;
const CONNECTIONS = 200;
const BURST_TIMEOUT_MS = 120_000;

/**
 * Switches the file sink off for real: the folder is moved aside (with what it holds) and a
 * regular file takes its name, so the sink can neither write nor recreate it. Switched on by
 * removing that file: the sink recreates the folder. What was moved aside stays stored.
 */
function folderFaults(dir: string) {
  let moved = 0;
  const aside = () => rename(dir, `${dir}.${moved++}`).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  return {
    async off() {
      for (;;) {
        await aside();
        try {
          return await writeFile(dir, 'the sink folder is away', { flag: 'wx' });
        } catch {
          // The sink recreated the folder in between: move that one aside too.
        }
      }
    },
    on: () => unlink(dir),
    folders: () => [dir, ...Array.from({ length: moved }, (_, i) => `${dir}.${i}`)],
  };
}

describe('a burst against a sink failing on and off (service process)', () => {
  it(`stores each of ${EVENTS} events exactly once, EventBridge retrying what was refused`, async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gdas-burst-')), 'events');
    const service = await startService({ INGEST_FILE_DIR: dir });
    const agent = new Agent({ connections: CONNECTIONS });
    const faults = folderFaults(dir);
    const events: EventEnvelope[] = Array.from({ length: EVENTS }, makeEvent);
    const refusals = new Map<number | string, number>();
    let sent = 0;

    const deliver = async (event: EventEnvelope) => {
      for (;;) {
        const status = await request(`${service.url}/v1/events/eventbridge`, {
          method: 'POST', dispatcher: agent, body: JSON.stringify(event),
          headers: { 'x-api-key': INGEST_KEY, 'content-type': 'application/json' },
        }).then(async (r) => {
          await r.body.dump();
          return r.statusCode;
        }, (err: NodeJS.ErrnoException) => err.code ?? 'error');
        if (status === 200) return;
        refusals.set(status, (refusals.get(status) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const worker = async () => {
      while (sent < events.length) await deliver(events[sent++]!);
    };
    let bursting = true;
    const toggling = (async () => {
      while (bursting) {
        await new Promise((r) => setTimeout(r, 300));
        if (!bursting) break;
        await faults.off();
        await new Promise((r) => setTimeout(r, 60));
        await faults.on();
      }
    })();
    const started = performance.now();
    await Promise.all(Array.from({ length: CONNECTIONS }, worker));
    bursting = false;
    await toggling;
    const seconds = (performance.now() - started) / 1000;
    service.child.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);
    await agent.close();

    const folders = faults.folders();
    const readFolder = async (f: string) => ((await readdir(f).catch(() => [])).length > 0 ? readRecords(f) : []);
    const records = (await Promise.all(folders.map(readFolder))).flat();
    console.log(`burst: ${EVENTS} events, ${CONNECTIONS} connections, ${seconds.toFixed(1)} s,`
      + ` folder moved away ${folders.length - 1} times,`
      + ` refusals retried ${JSON.stringify(Object.fromEntries(refusals))},`
      + ` lines stored ${records.length}`);
    // The faults bit: some deliveries were refused (503) and retried.
    expect(refusals.get(503) ?? 0).toBeGreaterThan(0);
    const counts = countByKey(records);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
    const storedIds = new Set(records.map((r) => r.id));
    expect(events.filter((e) => !storedIds.has(e.id)).map((e) => e.id)).toEqual([]);
    expect(records).toHaveLength(EVENTS);
  }, BURST_TIMEOUT_MS);
});
