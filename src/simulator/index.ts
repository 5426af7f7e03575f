// Simulated backends for tests, the demo and benchmarks: Genesys login + users API, a CRM,
// an orders backend, an event collector and the vendors (Salesforce, HubSpot, Zendesk), each on
// its own loopback port, with switchable faults.
import type { Server } from 'node:http';
import { handleCollector } from './collector.js';
import { handleCrm } from './crm.js';
import type { Handler } from './http.js';
import { handleLogin } from './login.js';
import { handleOrders } from './orders.js';
import { closeServer, createBackendServer, listen } from './server.js';
import { SimState } from './state.js';
import { BACKENDS, type Backend, type Simulator, type SimulatorOptions } from './types.js';
import { handleUsers } from './users.js';
import { handleVendors } from './vendors/index.js';

export type {
  Backend, Fault, RateLimitStats, SimRequest, Simulator, SimulatorOptions, Tunable,
} from './types.js';

const HANDLERS: Record<Backend, Handler> = {
  login: handleLogin,
  users: handleUsers,
  crm: handleCrm,
  orders: handleOrders,
  collector: handleCollector,
  vendors: handleVendors,
};

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  const state = new SimState(opts);
  const servers = {} as Record<Backend, Server>;
  const ports = {} as Record<Backend, number>;
  try {
    for (const b of BACKENDS) {
      servers[b] = createBackendServer(b, state, HANDLERS[b]);
      ports[b] = await listen(servers[b], opts.ports?.[b] ?? 0, host);
    }
  } catch (err) {
    // A port clash on one backend must not leave the others listening.
    state.shutdown();
    await Promise.all(Object.values(servers).map(closeServer));
    throw err;
  }

  const urlHost = host.includes(':') ? `[${host}]` : host; // IPv6 literals need brackets
  const url = (b: Backend) => `http://${urlHost}:${ports[b]}`;
  let closing: Promise<void> | undefined;

  return {
    urls: {
      genesysLogin: url('login'),
      genesysApi: url('users'),
      crm: url('crm'),
      orders: url('orders'),
      collector: url('collector'),
      vendors: url('vendors'),
    },
    setFault: (backend, fault) => state.setFault(backend, fault),
    clearFaults: () => state.clearFaults(),
    setLatency: (backend, ms) => state.setLatency(backend, ms),
    configure: (o) => state.configure(o),
    revokeTokens: () => state.revokeTokens(),
    deleteUsers: (ids) => { for (const id of ids) state.deletedUsers.add(id); },
    rateLimitStats: () => state.apiLimit.snapshot(),
    hits: (backend) => state.hits[backend],
    requests: (backend) => state.log[backend].slice(),
    collected: () => state.collected.slice(),
    reset: () => state.reset(),
    close: () => {
      // Idempotent: afterAll hooks and signal handlers may both call it.
      closing ??= (async () => {
        state.shutdown();
        await Promise.all(BACKENDS.map((b) => closeServer(servers[b])));
      })();
      return closing;
    },
  };
}
