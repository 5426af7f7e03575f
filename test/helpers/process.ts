import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:https';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A free loopback port, found by letting the kernel pick one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs `src/server.ts` as a real child process (through tsx), as production runs dist/src/server.js;
 * `openFiles` starts it under that descriptor limit (`ulimit -n`).
 */
export function spawnService(
  env: Record<string, string>, port?: number, opts: { openFiles?: number } = {},
): ServiceProcess {
  const node = [process.execPath, '--import', 'tsx', 'src/server.ts'];
  const [command, ...args] = opts.openFiles === undefined
    ? node
    : ['sh', '-c', `ulimit -n ${opts.openFiles} && exec "$@"`, 'sh', ...node];
  const child = spawn(command!, args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...(port ? { PORT: String(port) } : {}), ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const scheme = env.TLS_CERT_FILE ? 'https' : 'http';
  return { child, url: `${scheme}://127.0.0.1:${port ?? env.PORT}`, output: () => out, exited };
}

/** The status of a GET over HTTPS from a client that trusts any certificate (the tests' are self-signed). */
export const httpsStatus = (url: string) => new Promise<number>((resolve, reject) => {
  get(url, { rejectUnauthorized: false }, (res) => {
    res.resume();
    resolve(res.statusCode!);
  }).on('error', reject);
});

/** Polls /healthz until the process answers (or fails after `timeoutMs`). */
export async function waitHealthy(service: ServiceProcess, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  const url = `${service.url}/healthz`;
  while (Date.now() < until) {
    if (service.child.exitCode !== null) throw new Error(`service exited early:\n${service.output()}`);
    try {
      if (url.startsWith('https:') ? await httpsStatus(url) === 200 : (await fetch(url)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`service not healthy after ${timeoutMs} ms:\n${service.output()}`);
}
