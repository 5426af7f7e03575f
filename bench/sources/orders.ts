import { z } from 'zod';
import { int, retryPolicy, retryProblems, retryVariables, text, url } from '../../src/env.js';
import type { Budget } from '../../src/http/budget.js';
import { upstream, UpstreamError } from '../../src/http/errors.js';
import { defineSource } from '../../src/sources/definition.js';
import { customerId, optionalInput, ordersLimit, required, textField } from '../../src/sources/fields.js';

// The customer's orders: POST {ORDERS_BASE_URL}/v1/orders with a bearer key, following
// `nextCursor` until `ordersLimit` items or the budget ends (docs/contract.md, "Orders"). The
// query is read-only, so its retries are safe. Never cached: orders change during a call.

const TARGET = 'orders';
const STATUSES = ['ACTIVE', 'PENDING'];

export const orderItem = z.object({
  orderId: textField('Order id', 'o-1'),
  status: textField('ACTIVE or PENDING', 'ACTIVE'),
  total: z.number().meta({ description: 'Order total', example: 42.5 }),
  currency: textField('ISO 4217 currency', 'USD'),
  createdAt: textField('Creation time, ISO 8601', '2026-11-01T10:00:00Z'),
});
export type OrderItem = z.infer<typeof orderItem>;

export const ordersData = z.object({
  count: z.int().meta({ description: 'Number of items returned', example: 2 }),
  hasMore: z.boolean().meta({ description: 'More orders exist than returned', example: false }),
  items: z.array(orderItem).meta({ description: 'The orders, in the backend\'s order' }),
});
export type OrdersData = z.infer<typeof ordersData>;

const rawPage = z.object({
  results: z.array(orderItem),
  nextCursor: z.string().nullish(),
});

export default defineSource({
  name: 'orders',
  route: 'orders',
  title: 'Orders',
  summary: 'The active and pending orders of a customer',
  target: TARGET,
  inputs: { customerId: required(customerId), ordersLimit: optionalInput(ordersLimit) },
  data: ordersData,
  empty: { count: 0, hasMore: false, items: [] } satisfies OrdersData,
  env: {
    ORDERS_BASE_URL: url.meta({ description: 'orders service; without it the orders source is `skipped`' }),
    ORDERS_API_KEY: text.meta({ description: 'its bearer key' }),
    ORDERS_TIMEOUT_MS: int(2000, 50, 60_000).meta({ description: 'budget of the orders source, retries included' }),
    ...retryVariables('ORDERS'),
  },
  check: (env) => [
    ...retryProblems(env, 'ORDERS'),
    ...(env.ORDERS_BASE_URL && !env.ORDERS_API_KEY ? ['ORDERS_API_KEY: required when ORDERS_BASE_URL is set'] : []),
  ],
  settings: (env) => (env.ORDERS_BASE_URL && env.ORDERS_API_KEY ? {
    baseUrl: env.ORDERS_BASE_URL,
    apiKey: env.ORDERS_API_KEY,
    timeoutMs: env.ORDERS_TIMEOUT_MS,
    retry: retryPolicy(env, 'ORDERS'),
  } : undefined),
  timeoutMs: (settings) => settings.timeoutMs,
  create(settings, ctx) {
    const breaker = ctx.breaker();
    const { clock } = ctx;

    async function page(customer: string, limit: number, cursor: string | undefined, budget: Budget) {
      const { body } = await ctx.http.requestJson({
        target: TARGET,
        method: 'POST',
        url: `${settings.baseUrl}/v1/orders`,
        headers: { authorization: `Bearer ${settings.apiKey}` },
        body: { customerId: customer, status: STATUSES, limit, ...(cursor !== undefined && { cursor }) },
        retry: settings.retry,
        budget,
      });
      const parsed = rawPage.safeParse(body);
      if (!parsed.success) throw upstream.badResponse(TARGET, 'an answer that is not an orders page');
      return parsed.data;
    }

    async function list(customer: string, limit: number, budget: Budget): Promise<OrdersData> {
      const items: OrderItem[] = [];
      let cursor: string | undefined;
      let lastPageMs = 0;
      let dropped = false;
      do {
        // Stop with what we have rather than start a page the budget cannot see through.
        if (items.length > 0 && budget.remainingMs() < lastPageMs) break;
        const started = clock.now();
        let result;
        try {
          result = await page(customer, limit - items.length, cursor, budget);
        } catch (err) {
          // The budget ended on a later page: the orders so far are the answer, with hasMore.
          if (items.length > 0 && err instanceof UpstreamError && err.code === 'UPSTREAM_TIMEOUT') break;
          throw err;
        }
        lastPageMs = clock.now() - started;
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

    return {
      load: async (inputs, budget) => ({
        value: await breaker.run(() => list(String(inputs.customerId), Number(inputs.ordersLimit), budget)),
        stale: false,
      }),
    };
  },
});
