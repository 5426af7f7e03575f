import { constants, createReadStream } from 'node:fs';
import { access, mkdir, open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
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

/** A new file's directory entry must be durable too, or a crash could lose the whole file. */
async function syncDir(dir: string) {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** NDJSON sink (SPEC §4): one line `{key, id, receivedAt, fingerprint?, event}` per event, one fsync per batch. */
export async function createFileSink(dir: string): Promise<Sink> {
  await mkdir(dir, { recursive: true });
  let current: { name: string; fh: FileHandle; size: number; needsNewline: boolean } | undefined;

  async function openFile(name: string) {
    const fh = await open(join(dir, name), 'a+');
    try {
      const { size } = await fh.stat();
      if (size === 0) await syncDir(dir);
      // After a crash the last line may be torn: the next append starts on a fresh line.
      const last = Buffer.alloc(1);
      if (size > 0) await fh.read(last, 0, 1, size - 1);
      return { name, fh, size, needsNewline: size > 0 && last[0] !== 0x0a };
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async function closeCurrent() {
    const fh = current?.fh;
    current = undefined;
    await fh?.close().catch(() => undefined);
  }

  return {
    name: 'file',
    async write(records) {
      const name = fileNameFor(Date.now());
      if (current?.name !== name) {
        await closeCurrent();
        current = await openFile(name);
      }
      const lines = records.map((r) => `${r.line}\n`).join('');
      const data = current.needsNewline ? `\n${lines}` : lines;
      try {
        await current.fh.appendFile(data);
        await current.fh.datasync();
        current.size += Buffer.byteLength(data);
        current.needsNewline = false;
      } catch (err) {
        // The batch is answered 503 and EventBridge sends it again: the lines that did reach the
        // file must go, or the retry would store them twice (ENOSPC and EIO cut batches halfway).
        await current.fh.truncate(current.size).then(() => current?.fh.datasync()).catch(() => undefined);
        await closeCurrent();
        throw err;
      }
      return new Map();
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
    async check() {
      await access(dir, constants.W_OK);
      const today = await stat(join(dir, fileNameFor(Date.now()))).catch(() => undefined);
      if (today && !today.isFile()) throw new Error(`${fileNameFor(Date.now())} is not a regular file`);
    },
    close: closeCurrent,
  };
}
