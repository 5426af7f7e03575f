import { afterAll, afterEach, beforeAll } from 'vitest';
import { buildApp, type AppOverrides } from '../../src/app.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { DATA_KEY, testConfig } from '../helpers/app.js';

/** The service wired to every simulated backend, with the simulator's default credentials. */
export function simEnv(sim: Simulator, env: Record<string, string | undefined> = {}) {
  return {
    GENESYS_LOGIN_URL: sim.urls.genesysLogin,
    GENESYS_API_URL: sim.urls.genesysApi,
    GENESYS_CLIENT_ID: 'sim-client',
    GENESYS_CLIENT_SECRET: 'sim-secret',
    CRM_BASE_URL: sim.urls.crm,
    CRM_API_KEY: 'sim-crm-key',
    ORDERS_BASE_URL: sim.urls.orders,
    ORDERS_API_KEY: 'sim-orders-key',
    // These suites time the backends, not load shedding: a busy 2-core test machine must not shed.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    MAX_EVENT_LOOP_UTILIZATION: '0',
    ...env,
  };
}

export async function dataActionApp(
  sim: Simulator,
  env: Record<string, string | undefined> = {},
  overrides: AppOverrides = {},
) {
  const app = await buildApp(testConfig(simEnv(sim, env)), {
    logger: process.env.DEBUG_LOG ? { level: 'error' } : false,
    ...overrides,
  });
  await app.ready();
  const post = (route: string, payload: unknown) => app.inject({
    method: 'POST', url: `/v1/data-actions/${route}`, headers: { 'x-api-key': DATA_KEY }, payload: payload as object,
  });
  /** The value of one Prometheus sample, 0 when absent. */
  const metric = async (name: string, labels: Record<string, string> = {}) => {
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `)
      ? want.every((w) => l.includes(w)) : false);
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };
  return { app, post, metric };
}

/**
 * One simulator per test file and one app per test: `setup(env)` builds the app; after each test
 * the app closes and the simulator's faults, counters and settings go back to their defaults.
 */
export function withSimulator() {
  let sim: Simulator | undefined;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => { sim = await startSimulator(); });
  afterEach(async () => {
    await close?.();
    close = undefined;
    sim?.reset();
    sim?.configure({
      ordersPerCustomer: 7, ordersPageMax: 10, tokenTtlSeconds: 86_400,
      vendorItemsPerCustomer: 5, vendorPageMax: 2, vendorLinkOrigin: '',
      apiRateLimitPerMinute: 0, bulkPresence: true,
    });
  });
  afterAll(async () => sim?.close());
  const started = () => {
    if (!sim) throw new Error('the simulator starts in beforeAll');
    return sim;
  };
  return {
    get sim() {
      return started();
    },
    async setup(env: Record<string, string> = {}, overrides: AppOverrides = {}) {
      const ctx = await dataActionApp(started(), env, overrides);
      close = () => ctx.app.close();
      return ctx;
    },
  };
}

export { startSimulator };
export type { Simulator };
