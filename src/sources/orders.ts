import { z } from 'zod';
import type { Config } from '../config.js';
import { orderItem, type OrderItem, type OrdersData } from '../data-actions/schemas.js';
import type { Budget } from '../http/budget.js';
import type { CircuitBreaker } from '../http/circuit.js';
import type { HttpClient } from '../http/client.js';
import { upstream, UpstreamError } from '../http/errors.js';

// POST {ORDERS_BASE_URL}/v1/orders with a bearer key, following `nextCursor` until `limit` items
// or the budget ends (SPEC §3). The query is read-only, so its retries are safe.

const TARGET = 'orders';
const STATUSES = ['ACTIVE', 'PENDING'];

const rawPage = z.object({
  results: z.array(orderItem),
  nextCursor: z.string().nullish(),
});

export interface OrdersSource {
  list(customerId: string, limit: number, budget: Budget): Promise<OrdersData>;
}

export interface OrdersSourceDeps {
  config: Config['orders'] & { baseUrl: string; apiKey: string };
  http: HttpClient;
  breaker: CircuitBreaker;
}

export function createOrdersSource({ config, http, breaker }: OrdersSourceDeps): OrdersSource {
  async function page(customerId: string, limit: number, cursor: string | undefined, budget: Budget) {
    const { body } = await http.requestJson({
      target: TARGET,
      method: 'POST',
      url: `${config.baseUrl}/v1/orders`,
      headers: { authorization: `Bearer ${config.apiKey}` },
      body: { customerId, status: STATUSES, limit, ...(cursor !== undefined && { cursor }) },
      retry: config.retry,
      budget,
    });
    const parsed = rawPage.safeParse(body);
    if (!parsed.success) throw upstream.badResponse(TARGET, 'an answer that is not an orders page');
    return parsed.data;
  }

  async function list(customerId: string, limit: number, budget: Budget): Promise<OrdersData> {
    const items: OrderItem[] = [];
    let cursor: string | undefined;
    let lastPageMs = 0;
    let dropped = false;
    do {
      // Stop with what we have rather than start a page the budget cannot see through.
      if (items.length > 0 && budget.remainingMs() < lastPageMs) break;
      const started = performance.now();
      let result;
      try {
        result = await page(customerId, limit - items.length, cursor, budget);
      } catch (err) {
        // The budget ended on a later page: the orders so far are the answer, with hasMore.
        if (items.length > 0 && err instanceof UpstreamError && err.code === 'UPSTREAM_TIMEOUT') break;
        throw err;
      }
      lastPageMs = performance.now() - started;
      const room = limit - items.length;
      if (result.results.length > room) dropped = true;
      items.push(...result.results.slice(0, room));
      // An empty page or a cursor that does not move would loop until the budget ends.
      const next = result.nextCursor || undefined;
      if (next === cursor || (result.results.length === 0 && next !== undefined)) break;
      cursor = next;
    } while (cursor !== undefined && items.length < limit);
    return { count: items.length, hasMore: dropped || cursor !== undefined, items };
  }

  return { list: (customerId, limit, budget) => breaker.run(() => list(customerId, limit, budget)) };
}
