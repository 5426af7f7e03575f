import { constants, createReadStream } from 'node:fs';
import { access, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Clock } from '../../clock.js';
import { appendSynced, openDayFile, type DayFile } from './day-file.js';
import type { EventRecord, SeenKey, Sink } from './types.js';

const FILE_NAME = /^events-\d{4}-\d{2}-\d{2}\.ndjson$/;

/** Daily files by UTC date, so old days can be archived or deleted as whole files. */
export const fileNameFor = (ms: number) => `events-${new Date(ms).toISOString().slice(0, 10)}.ndjson`;

/** A line cut short by a crash is not JSON: it was never acknowledged, so it is skipped. */
function parseLine(line: string): SeenKey | undefined {
  try {
    const r = JSON.parse(line) as Partial<EventRecord>;
    const receivedAtMs = Date.parse(r.receivedAt ?? '');
    if (typeof r.key !== 'string' || Number.isNaN(receivedAtMs)) return undefined;
    return { key: r.key, receivedAtMs, ...(typeof r.fingerprint === 'string' && { fingerprint: r.fingerprint }) };
  } catch {
    return undefined;
  }
}

export interface FileSinkOptions {
  dir: string;
  /** Its wall time picks the day file; tests drive it across midnight. */
  clock: Pick<Clock, 'wallNow'>;
}

/**
 * NDJSON sink (docs/contract.md §3): one line `{key, id, receivedAt, fingerprint?, event}` per event, one fsync
 * per batch. A batch is acknowledged only once it is in the file INGEST_FILE_DIR names at that
 * moment: a folder removed, a day file unlinked, moved or replaced (by an operator, or by a
 * housekeeping job at midnight) gets the batch written again where the path now leads.
 */
export async function createFileSink({ dir, clock }: FileSinkOptions): Promise<Sink> {
  const now = () => clock.wallNow();
  await mkdir(dir, { recursive: true });
  let current: DayFile | undefined;

  async function closeCurrent() {
    const fh = current?.fh;
    current = undefined;
    await fh?.close().catch(() => undefined);
  }

  return {
    name: 'file',
    async write(records) {
      const lines = records.map((r) => `${r.line}\n`).join('');
      // Twice: the first file can be gone by the time it is checked; a second miss is a fault.
      for (let attempt = 1; attempt <= 2; attempt++) {
        const name = fileNameFor(now());
        if (current?.name !== name) {
          await closeCurrent();
          current = await openDayFile(dir, name);
        }
        let landed: boolean;
        try {
          landed = await appendSynced(current, lines);
        } catch (err) {
          await closeCurrent();
          throw err;
        }
        if (landed) return new Map();
        await closeCurrent();
      }
      throw new Error(`${join(dir, fileNameFor(now()))} keeps being replaced while it is written`);
    },
    // The memory store's LRU bounds what is kept, so every line of the window is offered.
    async *recent(sinceMs) {
      // Files are named by the day they were written, never before their records' receivedAt.
      const first = fileNameFor(sinceMs);
      const names = (await readdir(dir)).filter((n) => FILE_NAME.test(n) && n >= first).sort();
      for (const name of names) {
        const lines = createInterface({ input: createReadStream(join(dir, name)), crlfDelay: Infinity });
        for await (const line of lines) {
          const seen = parseLine(line);
          if (seen && seen.receivedAtMs >= sinceMs) yield seen;
        }
      }
    },
    // Whether a write can succeed now: a missing folder is one the next write creates.
    async check() {
      await mkdir(dir, { recursive: true });
      await access(dir, constants.W_OK);
      const today = await stat(join(dir, fileNameFor(now()))).catch(() => undefined);
      if (today && !today.isFile()) throw new Error(`${fileNameFor(now())} is not a regular file`);
    },
    close: closeCurrent,
  };
}
