// Public types of the simulator. Other modules (tests, demo, bench) code against these,
// so they mirror the agreed API exactly; index.ts re-exports them.
import type { RateLimitStats } from './rate-limit.js';

export type { RateLimitStats };

/** `vendors` serves Salesforce, HubSpot and Zendesk under their own paths (src/simulator/vendors/). */
export type Backend = 'login' | 'users' | 'crm' | 'orders' | 'collector' | 'vendors';

export const BACKENDS: readonly Backend[] = ['login', 'users', 'crm', 'orders', 'collector', 'vendors'];

export interface Fault {
  latencyMs?: number; // delay before answering (combined with the rest)
  kind?: 'status' | 'hang' | 'reset' | 'garbage' | 'oversize';
  status?: number; // for kind 'status' (429, 500, 503, 404, 401 ...)
  retryAfter?: { seconds: number; format: 'seconds' | 'date' };
  times?: number; // apply to the next N requests only (undefined = until cleared)
}

export interface SimRequest {
  backend: Backend;
  method: string;
  /** As sent: path and query string, repeated parameters included. */
  url: string;
  path: string;
  /** The query parameters; a repeated one holds its last value. */
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  at: number;
}

export interface SimulatorOptions {
  host?: string;
  ports?: Partial<Record<Backend, number>>;
  latencyMs?: number;
  clientId?: string;
  clientSecret?: string;
  tokenTtlSeconds?: number;
  crmApiKey?: string;
  ordersApiKey?: string;
  ordersPerCustomer?: number;
  ordersPageMax?: number;
  recordRequests?: boolean;
  /** Salesforce's connected app (client credentials), HubSpot's private-app token, Zendesk's agent and API token. */
  salesforceClientId?: string;
  salesforceClientSecret?: string;
  hubspotToken?: string;
  zendeskEmail?: string;
  zendeskApiToken?: string;
  /** Cases, deals and tickets of each customer, and how many one page of theirs holds at most. */
  vendorItemsPerCustomer?: number;
  vendorPageMax?: number;
  /**
   * The origin the vendors' next links point to ('' for their own): set it to another server's to
   * check that a client does not carry its credentials there.
   */
  vendorLinkOrigin?: string;
  /** Platform API requests per 60 s for the OAuth client, past which 429 + Retry-After; 0 (default) = none. */
  apiRateLimitPerMinute?: number;
  /** false: bulk user answers leave out presence and routingStatus whatever `expand` asks (default true). */
  bulkPresence?: boolean;
}

/** What configure() changes on a running simulator. */
export type Tunable = 'ordersPerCustomer' | 'ordersPageMax' | 'tokenTtlSeconds'
  | 'vendorItemsPerCustomer' | 'vendorPageMax' | 'vendorLinkOrigin' | 'apiRateLimitPerMinute' | 'bulkPresence';

export interface Simulator {
  urls: { genesysLogin: string; genesysApi: string; crm: string; orders: string; collector: string; vendors: string };
  setFault(backend: Backend, fault: Fault): void;
  clearFaults(): void;
  setLatency(backend: Backend | 'all', ms: number): void;
  configure(opts: Partial<Pick<SimulatorOptions, Tunable>>): void;
  /** What the Platform API limit received and refused since it was set or the last reset(). */
  rateLimitStats(): RateLimitStats;
  /** Every access token issued so far (Genesys and Salesforce) is refused from now on: a 401. */
  revokeTokens(): void;
  /** Users deleted from now until reset(): 404 singly, left out of bulk answers. */
  deleteUsers(ids: string[]): void;
  hits(backend: Backend): number;
  requests(backend: Backend): SimRequest[];
  collected(): unknown[];
  reset(): void;
  close(): Promise<void>;
}

export function isBackend(v: unknown): v is Backend {
  return typeof v === 'string' && (BACKENDS as readonly string[]).includes(v);
}
