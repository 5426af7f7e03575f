import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countByKey, makeEvent, readRecords } from './helpers.js';
import { fire, idsWith, startService } from './service.js';

/* eslint-disable no-console -- the figures each run saw are printed so they can be quoted */
// Real service processes on one sink folder: kill -9 under load, restart, SIGTERM under load.
// A service process needs a few seconds to start on a busy 2-core machine, hence the timeout.
const PROCESS_TEST_TIMEOUT_MS = 90_000;
describe('crash safety of the file sink (service processes)', () => {
  it('keeps every acknowledged event through kill -9 and stores nothing twice after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gdas-crash-'));
    const events = Array.from({ length: 400 }, makeEvent);

    const first = await startService({ INGEST_FILE_DIR: dir });
    const outcomes = await fire(first.url, events, 32, {
      onAck: (acked) => acked === 150 && first.child.kill('SIGKILL'),
    });
    expect((await first.exited).code).toBeNull();
    const acked = idsWith(outcomes, 200);
    const storedIds = new Set((await readRecords(dir)).map((r) => r.id));
    console.log(`kill -9: sent ${events.length}, acknowledged ${acked.length}, stored ${storedIds.size}`);
    expect(acked.length).toBeGreaterThanOrEqual(150);
    expect(acked.length).toBeLessThan(events.length);
    expect(acked.filter((id) => !storedIds.has(id))).toEqual([]);

    // Restart on the same folder and let EventBridge redeliver everything.
    const second = await startService({ INGEST_FILE_DIR: dir });
    const again = await fire(second.url, events, 32, { redeliver: true });
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const answers = [...again.values()];
    expect(answers.every((o) => o.status === 200)).toBe(true);
    const duplicates = answers.filter((o) => 'body' in o && o.body?.results[0]?.status === 'duplicate').length;
    const records = await readRecords(dir);
    const counts = countByKey(records);
    console.log(`restart: resent ${events.length}, duplicate ${duplicates}, accepted ${events.length - duplicates}, `
      + `lines ${records.length}, distinct keys ${counts.size}`);
    expect(duplicates).toBe(storedIds.size);
    expect(counts.size).toBe(events.length);
    expect(records).toHaveLength(events.length);
  }, PROCESS_TEST_TIMEOUT_MS);

  it('drains on SIGTERM under load: every acknowledged event is stored and the exit code is 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gdas-term-'));
    const events = Array.from({ length: 400 }, makeEvent);
    const service = await startService({ INGEST_FILE_DIR: dir, BATCH_MAX_WAIT_MS: '20' });
    const outcomes = await fire(service.url, events, 32, {
      onAck: (acked) => acked === 150 && service.child.kill('SIGTERM'),
    });
    expect((await service.exited).code).toBe(0);
    const acked = idsWith(outcomes, 200);
    const records = await readRecords(dir);
    const storedIds = new Set(records.map((r) => r.id));
    const refused = idsWith(outcomes, 503).length + idsWith(outcomes, 'error').length;
    console.log(`SIGTERM: sent ${events.length}, acknowledged ${acked.length}, 503/refused ${refused}, `
      + `stored ${storedIds.size}`);
    expect(acked.filter((id) => !storedIds.has(id))).toEqual([]);
    expect(acked.length + refused).toBe(events.length);
    expect([...countByKey(records).values()].every((n) => n === 1)).toBe(true);
  }, PROCESS_TEST_TIMEOUT_MS);
});
