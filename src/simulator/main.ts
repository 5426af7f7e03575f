// Runnable simulator for the demo / out-of-process benchmarks:
//   SIM_LOGIN_PORT=... SIM_LATENCY_MS=20 [SIM_RECORD_REQUESTS=1] [SIM_HOST=0.0.0.0] node dist/src/simulator/main.js
// Prints one JSON line with the URLs so a parent process can parse where to connect. SIM_HOST
// (default 127.0.0.1) opens it to other hosts: the containers of deploy/compose.yaml.
import { startSimulator } from './index.js';
import type { Backend } from './types.js';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

const ports: Record<Backend, number> = {
  login: envInt('SIM_LOGIN_PORT', 0),
  users: envInt('SIM_USERS_PORT', 0),
  crm: envInt('SIM_CRM_PORT', 0),
  orders: envInt('SIM_ORDERS_PORT', 0),
  collector: envInt('SIM_COLLECTOR_PORT', 0),
  vendors: envInt('SIM_VENDORS_PORT', 0),
};

// The request log is only readable in-process (or via GET /__sim/requests/{backend}), so a
// long-running demo/bench process keeps it off unless asked, to avoid unbounded growth.
const recordRequests = process.env.SIM_RECORD_REQUESTS === '1' || process.env.SIM_RECORD_REQUESTS === 'true';
const host = process.env.SIM_HOST || undefined;
const sim = await startSimulator({ host, ports, latencyMs: envInt('SIM_LATENCY_MS', 0), recordRequests });
process.stdout.write(`${JSON.stringify({ simulator: sim.urls })}\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  sim.close().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`simulator close failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
