// Orders backend: POST /v1/orders with a bearer API key, cursor pagination.
// Orders are a pure function of (customerId, n): order n is ACTIVE when n is odd, PENDING when even,
// so tests can predict counts for any status filter.
import { BASE, type Ctx, DAY, hash, notFound, sendJson } from './http.js';

export interface Order {
  orderId: string;
  status: 'ACTIVE' | 'PENDING';
  total: number;
  currency: 'USD';
  createdAt: string;
}

export function buildOrders(customerId: string, count: number): Order[] {
  if (customerId.startsWith('empty')) return [];
  const h = hash(customerId);
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    return {
      orderId: `o-${customerId}-${n}`,
      status: n % 2 === 1 ? 'ACTIVE' : 'PENDING',
      total: ((h % 10_000) + n * 1_250) / 100, // cents-exact, e.g. 12.5 or 73.49
      currency: 'USD',
      createdAt: new Date(BASE - n * DAY - (h % DAY)).toISOString(),
    };
  });
}

// The cursor is opaque to clients; internally it is just the offset, base64url-encoded.
export const encodeCursor = (offset: number): string => Buffer.from(`o:${offset}`).toString('base64url');

export function decodeCursor(c: string): number | undefined {
  const m = /^o:(\d{1,9})$/.exec(Buffer.from(c, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : undefined;
}

interface Query {
  customerId: string;
  status: string[];
  limit: number;
  cursor?: string;
}

function validate(body: unknown): Query | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object';
  const b = body as Record<string, unknown>;
  if (typeof b.customerId !== 'string' || b.customerId === '') return 'customerId must be a non-empty string';
  if (!Array.isArray(b.status) || !b.status.every((s) => typeof s === 'string')) {
    return 'status must be an array of strings';
  }
  if (typeof b.limit !== 'number' || !Number.isInteger(b.limit) || b.limit < 1) {
    return 'limit must be a positive integer';
  }
  if (b.cursor !== undefined && b.cursor !== null && typeof b.cursor !== 'string') return 'cursor must be a string';
  return { customerId: b.customerId, status: b.status as string[], limit: b.limit, cursor: b.cursor ?? undefined };
}

export function handleOrders(ctx: Ctx): void {
  if (ctx.method !== 'POST' || ctx.path !== '/v1/orders') return notFound(ctx);
  const { settings } = ctx.state;
  if (ctx.req.headers.authorization !== `Bearer ${settings.ordersApiKey}`) {
    return sendJson(ctx.res, 401, { error: 'unauthorized' });
  }
  if (ctx.jsonError) return sendJson(ctx.res, 400, { error: 'bad_request', message: 'body is not valid JSON' });
  const q = validate(ctx.body);
  if (typeof q === 'string') return sendJson(ctx.res, 400, { error: 'bad_request', message: q });
  if (q.customerId.startsWith('missing')) return sendJson(ctx.res, 404, { error: 'not_found' });

  let offset = 0;
  if (q.cursor !== undefined) {
    const o = decodeCursor(q.cursor);
    if (o === undefined) return sendJson(ctx.res, 400, { error: 'bad_request', message: 'invalid cursor' });
    offset = o;
  }
  // An empty status list means "no filter" rather than "match nothing".
  const wanted = new Set(q.status);
  const all = buildOrders(q.customerId, settings.ordersPerCustomer).filter(
    (o) => wanted.size === 0 || wanted.has(o.status),
  );
  const size = Math.min(q.limit, settings.ordersPageMax);
  const results = all.slice(offset, offset + size);
  const next = offset + size;
  sendJson(ctx.res, 200, { results, nextCursor: next < all.length ? encodeCursor(next) : null });
}
