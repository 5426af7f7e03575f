// Public types of the simulator. Other modules (tests, demo, bench) code against these,
// so they mirror the agreed API exactly; index.ts re-exports them.

export type Backend = 'login' | 'users' | 'crm' | 'orders' | 'collector';

export const BACKENDS: readonly Backend[] = ['login', 'users', 'crm', 'orders', 'collector'];

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
  path: string;
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
}

export interface Simulator {
  urls: { genesysLogin: string; genesysApi: string; crm: string; orders: string; collector: string };
  setFault(backend: Backend, fault: Fault): void;
  clearFaults(): void;
  setLatency(backend: Backend | 'all', ms: number): void;
  configure(
    opts: Partial<Pick<SimulatorOptions, 'ordersPerCustomer' | 'ordersPageMax' | 'tokenTtlSeconds'>>,
  ): void;
  revokeTokens(): void;
  hits(backend: Backend): number;
  requests(backend: Backend): SimRequest[];
  collected(): unknown[];
  reset(): void;
  close(): Promise<void>;
}

export function isBackend(v: unknown): v is Backend {
  return typeof v === 'string' && (BACKENDS as readonly string[]).includes(v);
}
