import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { dataActionApp, startSimulator } from '../data-actions/helpers.js';
import { knownVariables, RUNTIME_VARIABLES } from './variables.js';

// There is no Docker engine to run deploy/compose.yaml here: these tests read it as Compose
// would (merge keys, `${VAR:-default}` with nothing set) and check it against the code.

const DEPLOY = new URL('../../deploy/', import.meta.url);
const read = (url: URL) => readFileSync(url, 'utf8');

type Service = {
  image?: string; build?: { context: string; dockerfile: string }; environment?: Record<string, string | number>;
  ports?: string[]; healthcheck?: { test: string[] }; depends_on?: Record<string, { condition: string }>;
  profiles?: string[]; read_only?: boolean; stop_grace_period?: string; command?: string[];
};
const compose = parse(read(new URL('compose.yaml', DEPLOY)), { merge: true }) as { services: Record<string, Service> };
const { services } = compose;
const replicas = Object.entries(services).filter(([name]) => name.startsWith('service-')).map(([, s]) => s);

/** A value as Compose gives it to the container when the shell and deploy/.env set nothing. */
const interpolate = (v: string | number) => String(v).replace(/\$\{\w+:-([^}]*)\}/g, '$1');
const envOf = (s: Service) =>
  Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(v)]));

/** The variables src/simulator/main.ts reads. */
const simulatorVariables = new Set([...read(new URL('../src/simulator/main.ts', DEPLOY))
  .matchAll(/(?:envInt\('|process\.env\.)(SIM_\w+)/g)].map((m) => m[1]));

describe('deploy/compose.yaml', () => {
  it('runs two replicas of the service, sharing PostgreSQL and Redis, never a file sink', () => {
    expect(replicas).toHaveLength(2);
    for (const replica of replicas) {
      const config = loadConfig(envOf(replica));
      expect(config.ingest.sink).toBe('postgres');
      const db = new URL(config.ingest.databaseUrl!);
      const pg = services[db.hostname]!.environment!;
      expect([db.username, db.password, db.pathname])
        .toEqual([pg.POSTGRES_USER, pg.POSTGRES_PASSWORD, `/${pg.POSTGRES_DB}`]);
      expect(db.port).toBe('5432');
      expect(services[new URL(config.redisUrl!).hostname]?.image).toMatch(/^redis:/);
      expect(replica.read_only).toBe(true);
    }
  });

  it('sets only variables the service or the simulator knows', () => {
    const known = knownVariables();
    const names = replicas.flatMap((r) => Object.keys(r.environment ?? {}));
    expect(names.filter((n) => !known.has(n) && !RUNTIME_VARIABLES.has(n))).toEqual([]);
    expect(Object.keys(services.simulator!.environment!).filter((n) => !simulatorVariables.has(n))).toEqual([]);
    expect(simulatorVariables.has('SIM_HOST')).toBe(true);
  });

  it('builds every image it runs from the repository\'s Dockerfile, or names a public one', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.build) {
        expect(existsSync(new URL(`${s.build.context}/${s.build.dockerfile}`, DEPLOY)), name).toBe(true);
        expect(s.image, name).toBe('genesys-data-actions:local');
      } else {
        expect(s.image, name).toMatch(/^(redis|postgres):\d+$/);
      }
    }
    expect(services.simulator!.command).toEqual(['node', 'dist/src/simulator/main.js']);
  });

  it('publishes ports on 127.0.0.1 only, each replica on its own, to the port the service listens on', () => {
    const published = Object.values(services).flatMap((s) => s.ports ?? []);
    for (const p of published) expect(p).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    expect(new Set(published.map((p) => p.split(':')[1])).size).toBe(published.length);
    for (const replica of replicas) {
      expect(replica.ports!.map((p) => Number(p.split(':')[2]))).toEqual([loadConfig(envOf(replica)).port]);
    }
  });

  it('health-checks what others wait for, and lets the drain finish before stopping', () => {
    for (const replica of replicas) {
      for (const [dependency, { condition }] of Object.entries(replica.depends_on ?? {})) {
        expect(condition).toBe('service_healthy');
        expect(services[dependency]!.healthcheck!.test[0], dependency).toBe('CMD');
      }
      // The replicas' own check is the image's (the Dockerfile's HEALTHCHECK of /healthz).
      expect(read(new URL('../Dockerfile', DEPLOY))).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
      const graceMs = Number(/^(\d+)s$/.exec(replica.stop_grace_period!)![1]) * 1000;
      expect(graceMs).toBeGreaterThan(loadConfig(envOf(replica)).shutdownTimeoutMs);
    }
    const probe = services.simulator!.healthcheck!.test.at(-1)!;
    expect(probe).toContain(`:${envOf(services.simulator!).SIM_CRM_PORT}/__sim/hits`);
  });

  it('wires the replicas to the simulator profile\'s ports and credentials: complete answers', async () => {
    const sim = await startSimulator();
    const simEnv = envOf(services.simulator!);
    const urlOf: Record<string, string> = {
      [simEnv.SIM_LOGIN_PORT!]: sim.urls.genesysLogin, [simEnv.SIM_USERS_PORT!]: sim.urls.genesysApi,
      [simEnv.SIM_CRM_PORT!]: sim.urls.crm, [simEnv.SIM_ORDERS_PORT!]: sim.urls.orders,
    };
    // The replica's backend variables, with the simulator's host name resolved to the one started here.
    const backends = Object.entries(envOf(replicas[0]!)).filter(([k]) => /^(GENESYS|CRM|ORDERS)_/.test(k));
    const env = Object.fromEntries(backends.map(([k, v]) => {
      const url = /^http:\/\/simulator:(\d+)$/.exec(v);
      return [k, url ? urlOf[url[1]!] : v];
    }));
    expect(Object.values(env).filter((v) => v === undefined)).toEqual([]);
    expect(Object.keys(env)).toHaveLength(8);
    const { app, post } = await dataActionApp(sim, env);
    try {
      const answer = (await post('customer-context', { customerId: 'c-1', userId: 'u-1' })).json();
      expect(answer.complete).toBe(true);
      expect(answer.failedSources).toBe('');
    } finally {
      await app.close();
      await sim.close();
    }
  });
});
