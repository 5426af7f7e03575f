// Child processes of the run: the simulator, the service and the baselines. Each is a plain
// `node <file.js>` with the same flags, stdout to /dev/null (or parsed, for the simulator), and
// the last few KB of stderr kept so a crash explains itself in the report.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

const STDERR_KEEP = 8 * 1024;

export interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  stderr: () => string;
  exited: () => boolean;
  stop: (graceMs?: number) => Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface SpawnOptions {
  env: Record<string, string>;
  /** The node binary; default the bench's own. */
  node?: string;
  cwd?: string;
  nodeFlags: string[];
  /** Keep stdout readable (the simulator prints its URLs); otherwise it goes to /dev/null. */
  pipeStdout?: boolean;
}

export function spawnNode(name: string, script: string, opts: SpawnOptions): Proc {
  // Only PATH is inherited: a stray REDIS_URL or DATABASE_URL in the bench shell must not change what is measured.
  const child = spawn(opts.node ?? process.execPath, [...opts.nodeFlags, script], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '', ...opts.env },
    stdio: ['ignore', opts.pipeStdout ? 'pipe' : 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err = (err + d).slice(-STDERR_KEEP);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  return {
    name,
    child,
    pid: child.pid ?? -1,
    stderr: () => err,
    exited: () => exited,
    async stop(graceMs = 12_000) {
      if (exited) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(t);
    },
  };
}

/** Polls until the process answers HTTP on `url` (any status), or fails with its stderr. */
export async function waitForHttp(proc: Proc, url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exited()) throw new Error(`${proc.name} exited during start:\n${proc.stderr()}`);
    try {
      const res = await request(url, { headersTimeout: 1000, bodyTimeout: 1000 });
      await res.body.dump();
      return;
    } catch {
      await sleep(100);
    }
  }
  await proc.stop(1000);
  throw new Error(`${proc.name} did not answer on ${url} within ${timeoutMs} ms:\n${proc.stderr()}`);
}

/** Resolves with the first stdout line of the process that parses as JSON. */
export function firstJsonLine(proc: Proc, timeoutMs = 20_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => reject(new Error(`${proc.name}: no JSON line within ${timeoutMs} ms\n${proc.stderr()}`)),
      timeoutMs,
    );
    proc.child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(buf.slice(0, nl)));
      } catch (err) {
        reject(err as Error);
      }
      proc.child.stdout?.resume(); // keep draining so the child never blocks on a full pipe
    });
    proc.child.once('exit', () => reject(new Error(`${proc.name} exited:\n${proc.stderr()}`)));
  });
}

/** Resident and peak resident memory of a process, in MB (10^6 bytes, as the target is stated), from /proc (Linux). */
export function rssMB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: Math.round((kb('VmRSS') * 1024) / 1e6), peak: Math.round((kb('VmHWM') * 1024) / 1e6) };
}

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (clock ticks, 100/s on Linux).
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}
