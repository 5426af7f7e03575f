// Starts the processes under test: the simulator (one for the whole run), the service with the
// environment of a scenario, and the baselines compiled to dist/bench/baselines (so every side
// runs as `node <file>.js` with identical flags, none of them through a TypeScript loader).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import type { BenchConfig } from './config.js';
import { firstJsonLine, freePort, spawnNode, waitForHttp, type Proc } from './procs.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DATA_ACTION_KEY = 'bench-data-action-key';
export const INGEST_KEY = 'bench-ingest-key';
export const INGEST_KEY_HEADER = 'x-api-key';

/** The NODE_OPTIONS line of the Dockerfile: the service is measured with the flags it ships with. */
export const PRODUCTION_NODE_OPTIONS = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'))?.[1] ?? '';

export interface SimUrls {
  genesysLogin: string;
  genesysApi: string;
  crm: string;
  orders: string;
  collector: string;
}

export interface Running {
  proc: Proc;
  url: string;
}

export function compileBaselines(): void {
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'bench/tsconfig.baselines.json')], { stdio: 'inherit' });
}

export async function startSimulator(cfg: BenchConfig): Promise<{ proc: Proc; urls: SimUrls }> {
  const proc = spawnNode('simulator', path.join(ROOT, 'dist/src/simulator/main.js'), {
    env: { SIM_LATENCY_MS: String(cfg.backendLatencyMs), SIM_RECORD_REQUESTS: '0' },
    nodeFlags: [],
    pipeStdout: true,
  });
  const line = (await firstJsonLine(proc)) as { simulator: SimUrls };
  return { proc, urls: line.simulator };
}

/** The backends' part of the environment, shared by the service and the fan-out baselines. */
export function backendEnv(sim: SimUrls): Record<string, string> {
  return {
    GENESYS_CLIENT_ID: 'sim-client',
    GENESYS_CLIENT_SECRET: 'sim-secret',
    GENESYS_LOGIN_URL: sim.genesysLogin,
    GENESYS_API_URL: sim.genesysApi,
    CRM_BASE_URL: sim.crm,
    CRM_API_KEY: 'sim-crm-key',
    ORDERS_BASE_URL: sim.orders,
    ORDERS_API_KEY: 'sim-orders-key',
  };
}

/**
 * The service built in `root` (this tree by default, another commit's build with bench/lib/ref.ts),
 * as shipped (`dist/src/server.js`) or, with a `variant`, the bench's own build of it
 * (`dist/bench/service.js`: the backends in code, or one layer switched off).
 */
export async function startService(
  name: string, env: Record<string, string>, cfg: BenchConfig, workDir: string,
  { root = ROOT, variant }: { root?: string; variant?: string } = {},
): Promise<Running> {
  const port = await freePort();
  const flags = [...cfg.nodeFlags];
  if (cfg.cpuProf) {
    const dir = path.join(ROOT, 'bench/results/profiles');
    mkdirSync(dir, { recursive: true });
    flags.push('--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`);
  }
  const script = variant === undefined ? 'dist/src/server.js' : 'dist/bench/service.js';
  const proc = spawnNode(name, path.join(root, script), {
    // cwd is the scenario's scratch folder: the service loads a .env from its cwd, and none must leak in.
    cwd: workDir,
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: cfg.logLevel,
      DATA_ACTION_API_KEYS: DATA_ACTION_KEY,
      INGEST_API_KEYS: INGEST_KEY,
      INGEST_API_KEY_HEADER: INGEST_KEY_HEADER,
      // The inbound limiter (default 6000/min per credential) would turn a load test into a 429 test,
      // and the Genesys API budget (300/min, which the simulator does not enforce) a test of rate_limited.
      RATE_LIMIT_MAX: '1000000000',
      GENESYS_RATE_LIMIT_PER_MINUTE: '100000',
      // As shipped: the production image's V8 flags (Dockerfile ENV NODE_OPTIONS).
      NODE_OPTIONS: PRODUCTION_NODE_OPTIONS,
      ...env,
      ...cfg.serviceEnv,
      ...(variant !== undefined && { BENCH_VARIANT: variant }),
    },
    nodeFlags: flags,
    node: cfg.node,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(proc, `${url}/healthz`);
  return { proc, url };
}

export async function startBaseline(file: string, env: Record<string, string>, cfg: BenchConfig): Promise<Running> {
  const port = await freePort();
  const proc = spawnNode(file, path.join(ROOT, `dist/bench/baselines/${file}.js`), {
    env: { PORT: String(port), LOG_LEVEL: cfg.logLevel, ...env },
    nodeFlags: cfg.nodeFlags,
    node: cfg.node,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(proc, `${url}/healthz`);
  return { proc, url };
}

/** False when the service answers the route with our 404 NOT_FOUND (the route is not built yet). */
export async function routeExists(
  url: string,
  route: string,
  headers: Record<string, string>,
  body: string,
): Promise<boolean> {
  const res = await request(`${url}${route}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body,
  });
  const text = await res.body.text();
  return !(res.statusCode === 404 && text.includes('NOT_FOUND') && text.includes('no route'));
}
