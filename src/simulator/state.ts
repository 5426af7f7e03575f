// Mutable state shared by all backend servers of one simulator instance: faults, latency,
// counters, the request log, collected events and issued tokens.
import { ApiRateLimit } from './rate-limit.js';
import { BACKENDS, type Backend, type Fault, type SimRequest, type SimulatorOptions, type Tunable } from './types.js';

export interface Settings {
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
  crmApiKey: string;
  ordersApiKey: string;
  ordersPerCustomer: number;
  ordersPageMax: number;
  recordRequests: boolean;
  latencyMs: number;
  salesforceClientId: string;
  salesforceClientSecret: string;
  hubspotToken: string;
  zendeskEmail: string;
  zendeskApiToken: string;
  vendorItemsPerCustomer: number;
  vendorPageMax: number;
  vendorLinkOrigin: string;
  /** Platform API requests allowed per 60 s for the OAuth client; 0 = no limit. */
  apiRateLimitPerMinute: number;
  /** Whether bulk user answers honour `expand` (Genesys resolves it "with a best effort approach"). */
  bulkPresence: boolean;
}

const COUNTS = [
  'ordersPerCustomer', 'ordersPageMax', 'tokenTtlSeconds', 'vendorItemsPerCustomer', 'vendorPageMax',
  'apiRateLimitPerMinute',
] as const;
/** Page sizes of at least 1: a page of 0 would never end a paging client. */
const PAGES = new Set<string>(['ordersPageMax', 'vendorPageMax']);

const KINDS = new Set(['status', 'hang', 'reset', 'garbage', 'oversize']);
const FAULT_KEYS = new Set(['latencyMs', 'kind', 'status', 'retryAfter', 'times']);

/** Throws on a malformed fault, so both the TS API and the HTTP control API reject nonsense. */
export function validateFault(f: unknown): Fault {
  if (typeof f !== 'object' || f === null || Array.isArray(f)) throw new Error('fault must be an object');
  const o = f as Record<string, unknown>;
  // Unknown keys are almost always typos ("kind" vs "type"); silently ignoring them would
  // leave a no-op fault installed and a confusing test.
  for (const k of Object.keys(o)) if (!FAULT_KEYS.has(k)) throw new Error(`unknown fault field ${k}`);
  const num = (k: string) => {
    if (o[k] !== undefined && (typeof o[k] !== 'number' || !Number.isFinite(o[k]) || o[k] < 0)) {
      throw new Error(`${k} must be a non-negative number`);
    }
  };
  num('latencyMs');
  num('status');
  num('times');
  if (o.kind !== undefined && !KINDS.has(o.kind as string)) throw new Error(`unknown kind ${String(o.kind)}`);
  const ra = o.retryAfter as Record<string, unknown> | undefined;
  if (ra !== undefined) {
    if (typeof ra !== 'object' || ra === null || typeof ra.seconds !== 'number') {
      throw new Error('retryAfter.seconds must be a number');
    }
    if (ra.format !== 'seconds' && ra.format !== 'date') {
      throw new Error("retryAfter.format must be 'seconds' or 'date'");
    }
  }
  // Copy so later mutation by the caller (or our own countdown) never leaks across.
  return { ...(o as Fault), retryAfter: ra ? { ...(ra as unknown as NonNullable<Fault['retryAfter']>) } : undefined };
}

function perBackend<T>(make: () => T): Record<Backend, T> {
  return Object.fromEntries(BACKENDS.map((b) => [b, make()])) as Record<Backend, T>;
}

export class SimState {
  readonly settings: Settings;
  latency: Record<Backend, number>;
  hits = perBackend(() => 0);
  log = perBackend<SimRequest[]>(() => []);
  collected: unknown[] = [];
  readonly apiLimit = new ApiRateLimit();
  deletedUsers = new Set<string>();
  /** token -> expiry (epoch ms), Genesys's and Salesforce's apart: neither API takes the other's. */
  tokens = new Map<string, number>();
  salesforceTokens = new Map<string, number>();
  closed = false;
  private faults = new Map<Backend, Fault>();
  private timers = new Map<NodeJS.Timeout, (ok: boolean) => void>();

  constructor(opts: SimulatorOptions) {
    this.settings = {
      clientId: opts.clientId ?? 'sim-client',
      clientSecret: opts.clientSecret ?? 'sim-secret',
      tokenTtlSeconds: opts.tokenTtlSeconds ?? 86400,
      crmApiKey: opts.crmApiKey ?? 'sim-crm-key',
      ordersApiKey: opts.ordersApiKey ?? 'sim-orders-key',
      ordersPerCustomer: opts.ordersPerCustomer ?? 7,
      ordersPageMax: opts.ordersPageMax ?? 10,
      recordRequests: opts.recordRequests ?? true,
      latencyMs: opts.latencyMs ?? 0,
      salesforceClientId: opts.salesforceClientId ?? 'sim-sf-client',
      salesforceClientSecret: opts.salesforceClientSecret ?? 'sim-sf-secret',
      hubspotToken: opts.hubspotToken ?? 'pat-na1-sim-token',
      zendeskEmail: opts.zendeskEmail ?? 'agent@sim.example.com',
      zendeskApiToken: opts.zendeskApiToken ?? 'sim-zendesk-token',
      vendorItemsPerCustomer: opts.vendorItemsPerCustomer ?? 5,
      vendorPageMax: opts.vendorPageMax ?? 2,
      vendorLinkOrigin: opts.vendorLinkOrigin ?? '',
      apiRateLimitPerMinute: 0,
      bulkPresence: true,
    };
    this.configure({ apiRateLimitPerMinute: opts.apiRateLimitPerMinute, bulkPresence: opts.bulkPresence });
    this.latency = perBackend(() => this.settings.latencyMs);
  }

  setFault(backend: Backend, fault: Fault): void {
    const f = validateFault(fault);
    if (f.times !== undefined && f.times <= 0) this.faults.delete(backend);
    else this.faults.set(backend, f);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Returns the fault for this request and counts down `times`. */
  takeFault(backend: Backend): Fault | undefined {
    const f = this.faults.get(backend);
    if (!f) return undefined;
    if (f.times !== undefined) {
      f.times -= 1;
      if (f.times <= 0) this.faults.delete(backend);
    }
    return f;
  }

  setLatency(backend: Backend | 'all', ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('latency must be a non-negative number');
    if (backend === 'all') for (const b of BACKENDS) this.latency[b] = ms;
    else this.latency[backend] = ms;
  }

  configure(opts: Partial<Pick<Settings, Tunable>>): void {
    for (const k of COUNTS) {
      const v = opts[k];
      if (v === undefined) continue;
      if (!Number.isInteger(v) || v < (PAGES.has(k) ? 1 : 0)) throw new Error(`${k} must be an integer`);
      this.settings[k] = v;
    }
    const origin = opts.vendorLinkOrigin;
    if (origin !== undefined) {
      if (typeof origin !== 'string' || (origin !== '' && !URL.canParse(origin))) {
        throw new Error('vendorLinkOrigin must be an absolute URL or ""');
      }
      this.settings.vendorLinkOrigin = origin === '' ? '' : new URL(origin).origin;
    }
    if (opts.apiRateLimitPerMinute !== undefined) this.apiLimit.setLimit(opts.apiRateLimitPerMinute);
    if (opts.bulkPresence !== undefined) {
      if (typeof opts.bulkPresence !== 'boolean') throw new Error('bulkPresence must be a boolean');
      this.settings.bulkPresence = opts.bulkPresence;
    }
  }

  /** Not part of reset(): tests that reset between cases keep their cached tokens valid. */
  revokeTokens(): void {
    this.tokens.clear();
    this.salesforceTokens.clear();
  }

  reset(): void {
    this.clearFaults();
    this.hits = perBackend(() => 0);
    this.log = perBackend<SimRequest[]>(() => []);
    this.collected = [];
    this.latency = perBackend(() => this.settings.latencyMs);
    this.apiLimit.reset();
    this.deletedUsers = new Set();
  }

  /** Resolves true after ms, or false if the simulator closes first (so handlers just stop). */
  sleep(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve(true);
      }, ms);
      this.timers.set(t, resolve);
    });
  }

  shutdown(): void {
    this.closed = true;
    for (const [t, resolve] of this.timers) {
      clearTimeout(t);
      resolve(false);
    }
    this.timers.clear();
  }
}
