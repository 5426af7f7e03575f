// The three simulator calls of the data action, done the plain way with undici: the same
// endpoints, auth and query shapes as docs/contract.md gives the service, and nothing more
// (one token fetched at start, no refresh, retry, timeout budget, cache or circuit).
import { Agent, request } from 'undici';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

const urls = {
  login: env('GENESYS_LOGIN_URL'),
  api: env('GENESYS_API_URL'),
  crm: env('CRM_BASE_URL'),
  orders: env('ORDERS_BASE_URL'),
};
const crmKey = env('CRM_API_KEY');
const ordersKey = env('ORDERS_API_KEY');
const dispatcher = new Agent({ keepAliveTimeout: 60_000 });

async function json(url: string, init: Parameters<typeof request>[1]): Promise<Record<string, unknown>> {
  const res = await request(url, { ...init, dispatcher });
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new Error(`${url} answered ${res.statusCode}`);
  }
  return (await res.body.json()) as Record<string, unknown>;
}

export async function login(): Promise<string> {
  const basic = Buffer.from(`${env('GENESYS_CLIENT_ID')}:${env('GENESYS_CLIENT_SECRET')}`).toString('base64');
  const body = await json(`${urls.login}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  return String(body.access_token);
}

export interface Input {
  customerId: string;
  userId?: string;
  ordersLimit?: number;
}

export function sources(token: string) {
  return {
    user: (i: Input) => json(
      `${urls.api}/api/v2/users/${encodeURIComponent(i.userId ?? '')}?expand=presence,routingStatus`,
      { headers: { authorization: `Bearer ${token}` } },
    ),
    crm: (i: Input) => json(
      `${urls.crm}/v2/accounts?id=${encodeURIComponent(i.customerId)}&include=preferences,subscriptions`,
      { headers: { 'x-api-key': crmKey } },
    ),
    orders: (i: Input) => json(`${urls.orders}/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ordersKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: i.customerId, status: ['ACTIVE', 'PENDING'], limit: i.ordersLimit ?? 5 }),
    }),
  };
}

type Outcome = PromiseSettledResult<Record<string, unknown>>;
const get = (o: Outcome) => (o.status === 'fulfilled' ? o.value : {});
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const status = (o: Outcome) => (o.status === 'fulfilled' ? 'ok' : 'error');

/** The same document shape as the service answers, so both sides serialise a similar payload. */
export function answer(i: Input, user: Outcome, crm: Outcome, orders: Outcome, startedAt: number) {
  const u = get(user);
  const c = get(crm);
  const o = get(orders);
  const prefs = (c.preferences ?? {}) as Record<string, unknown>;
  const presence = (u.presence ?? {}) as { presenceDefinition?: { systemPresence?: string } };
  const items = Array.isArray(o.results) ? (o.results as Record<string, unknown>[]) : [];
  const failed = (['user', 'crm', 'orders'] as const).filter((_, k) => [user, crm, orders][k]!.status === 'rejected');
  return {
    customerId: i.customerId,
    complete: failed.length === 0,
    failedSources: failed.join(','),
    latencyMs: Date.now() - startedAt,
    user: {
      status: status(user), error: '', stale: false,
      id: str(u.id), name: str(u.name), email: str(u.email), department: str(u.department), title: str(u.title),
      presence: str(presence.presenceDefinition?.systemPresence),
      routingStatus: str((u.routingStatus as { status?: string } | undefined)?.status),
    },
    crm: {
      status: status(crm), error: '', stale: false,
      accountId: str(c.id), name: str(c.name), tier: str(c.tier), email: str(c.email), phone: str(c.phone),
      language: str(prefs.language), preferredChannel: str(prefs.channel),
    },
    orders: {
      status: status(orders), error: '', stale: false,
      count: items.length, hasMore: o.nextCursor != null,
      items: items.map((x) => ({
        orderId: str(x.orderId), status: str(x.status), total: Number(x.total ?? 0),
        currency: str(x.currency), createdAt: str(x.createdAt),
      })),
    },
  };
}
