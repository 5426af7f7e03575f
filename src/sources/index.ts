import type { Config } from '../config.js';
import { CircuitBreaker } from '../http/circuit.js';
import { createHttpClient } from '../http/client.js';
import type { Metrics } from '../metrics.js';
import { createCrmSource, type CrmSource } from './crm.js';
import type { TokenSource } from './genesys-token.js';
import { createUserSource, type UserSource } from './genesys-user.js';
import { createOrdersSource, type OrdersSource } from './orders.js';

/** The configured backends; an absent one is reported `skipped` (SPEC §2: any subset may run). */
export interface Sources {
  user?: UserSource;
  crm?: CrmSource;
  orders?: OrdersSource;
  /** Present when a Genesys client is configured, for the readiness check. */
  genesysLogin?: TokenSource;
  close(): Promise<void>;
}

/** Every stateful piece of the data actions (pool, token, caches, breakers), built per app. */
export async function createSources(config: Config, metrics: Metrics): Promise<Sources> {
  const http = createHttpClient({ metrics });
  const breaker = (name: string) => new CircuitBreaker(name, config.circuit, metrics.circuitState);
  const { genesys, crm, orders, cacheMaxEntries } = config;
  const sources: Sources = { close: () => http.close() };

  const { clientId, clientSecret } = genesys;
  if (clientId && clientSecret) {
    // The SDK (38 MB of RSS) is loaded only by a service that talks to Genesys; an
    // ingestion-only replica never pays for it (bench/ memory scenario).
    const { createTokenSource } = await import('./genesys-token.js');
    const tokens = createTokenSource({ ...genesys, clientId, clientSecret });
    sources.genesysLogin = tokens;
    sources.user = createUserSource({ config: genesys, cacheMaxEntries, http, tokens, breaker: breaker('user'), metrics });
  }
  if (crm.baseUrl && crm.apiKey) {
    sources.crm = createCrmSource({ config: { ...crm, baseUrl: crm.baseUrl, apiKey: crm.apiKey }, cacheMaxEntries, http, breaker: breaker('crm'), metrics });
  }
  if (orders.baseUrl && orders.apiKey) {
    sources.orders = createOrdersSource({ config: { ...orders, baseUrl: orders.baseUrl, apiKey: orders.apiKey }, http, breaker: breaker('orders') });
  }
  return sources;
}
