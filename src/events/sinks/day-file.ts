import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The open day file of the file sink, and the identity (device, inode) its path had when opened. */
export interface DayFile {
  name: string;
  path: string;
  fh: FileHandle;
  dev: number;
  ino: number;
  /** Bytes known durable: a failed or misplaced append is cut back to this. */
  size: number;
  /** After a crash the last line may be torn: the next append starts on a fresh line. */
  needsNewline: boolean;
}

/** A new entry (file or folder) must be durable too, or a crash could lose everything under it. */
async function syncDir(dir: string) {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/** Opens (creating when needed, the folder included) the day file `name` for appending. */
export async function openDayFile(dir: string, name: string): Promise<DayFile> {
  const path = join(dir, name);
  const created = await mkdir(dir, { recursive: true });
  if (created !== undefined) await syncDir(dirname(created));
  const fh = await open(path, 'a+');
  try {
    const { size, dev, ino } = await fh.stat();
    if (size === 0) await syncDir(dir);
    const last = Buffer.alloc(1);
    if (size > 0) await fh.read(last, 0, 1, size - 1);
    return { name, path, fh, dev, ino, size, needsNewline: size > 0 && last[0] !== 0x0a };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/** Takes back what an append left past the durable size (best effort: the file may be gone). */
async function cutBack(file: DayFile) {
  await file.fh.truncate(file.size).then(() => file.fh.datasync()).catch(() => undefined);
}

/**
 * Appends `lines` and syncs them. Resolves true when they are in the file the path names now,
 * false when the path leads elsewhere (the file was unlinked, moved or replaced): the lines are
 * then cut back, so a moved file never keeps a batch that is answered from another one.
 */
export async function appendSynced(file: DayFile, lines: string): Promise<boolean> {
  const data = file.needsNewline ? `\n${lines}` : lines;
  try {
    await file.fh.appendFile(data);
    await file.fh.datasync();
  } catch (err) {
    // The batch is answered 503 and EventBridge sends it again: the lines that did reach the
    // file must go, or the retry would store them twice (ENOSPC and EIO cut batches halfway).
    await cutBack(file);
    throw err;
  }
  const named = await stat(file.path).catch(() => undefined);
  if (named?.dev !== file.dev || named.ino !== file.ino) {
    await cutBack(file);
    return false;
  }
  file.size += Buffer.byteLength(data);
  file.needsNewline = false;
  return true;
}
