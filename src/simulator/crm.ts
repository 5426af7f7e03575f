// CRM backend: GET /v2/accounts?id=...&include=preferences,subscriptions, API-key auth.
import { type Ctx, hash, notFound, phoneFrom, sendJson } from './http.js';

const TIERS = ['BRONZE', 'SILVER', 'GOLD', 'PLATINUM'] as const;
const PRODUCTS = ['Fiber 1G', 'Mobile Unlimited', 'TV Premium'] as const;

export function buildAccount(id: string, include: ReadonlySet<string>): Record<string, unknown> {
  const h = hash(id);
  const account: Record<string, unknown> = {
    id,
    name: `Customer ${id}`,
    tier: TIERS[h % TIERS.length],
    email: `${id}@customer.example.com`,
    phone: phoneFrom(h),
  };
  if (include.has('preferences')) account.preferences = { language: 'en-US', channel: 'voice' };
  if (include.has('subscriptions')) {
    // 1-3 subscriptions; the first is always ACTIVE so callers have something to show.
    const n = 1 + (h % 3);
    account.subscriptions = Array.from({ length: n }, (_, i) => ({
      id: `sub-${id}-${i + 1}`,
      product: PRODUCTS[(h + i) % PRODUCTS.length],
      status: i === 0 ? 'ACTIVE' : i === 1 ? 'SUSPENDED' : 'CANCELLED',
    }));
  }
  return account;
}

export function handleCrm(ctx: Ctx): void {
  if (ctx.method !== 'GET' || ctx.path !== '/v2/accounts') return notFound(ctx);
  if (ctx.req.headers['x-api-key'] !== ctx.state.settings.crmApiKey) {
    return sendJson(ctx.res, 401, { error: 'unauthorized' });
  }
  const id = ctx.query.id;
  if (!id) return sendJson(ctx.res, 400, { error: 'bad_request', message: 'id query parameter is required' });
  if (id.startsWith('missing')) return sendJson(ctx.res, 404, { error: 'not_found' });
  const include = new Set((ctx.query.include ?? '').split(',').map((s) => s.trim()));
  sendJson(ctx.res, 200, buildAccount(id, include));
}
