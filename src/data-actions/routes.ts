import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { createSources } from '../sources/index.js';
import { aggregateCustomerContext, type AggregateDeps } from './aggregate.js';
import {
  crmAccountInput, crmAccountOutput, customerContextInput, customerContextOutput,
  genesysUserInput, genesysUserOutput, ordersInput, ordersOutput, type CustomerContext, type SourceName,
} from './schemas.js';

export interface DataAction<I extends z.ZodType, O extends z.ZodType> {
  name: string;
  path: string;
  summary: string;
  input: I;
  output: O;
  /** `elapsedMs`: time since the request arrived, spent before the handler, counted in the deadline. */
  run(input: z.output<I>, deps: AggregateDeps, elapsedMs: number): Promise<z.input<O>>;
}

type Envelope = 'customerId' | 'complete' | 'failedSources' | 'latencyMs';

/** "The same object restricted to its source" (SPEC §3). */
function restrict<K extends SourceName>(context: CustomerContext, key: K) {
  const { customerId, complete, failedSources, latencyMs } = context;
  return { customerId, complete, failedSources, latencyMs, [key]: context[key] } as Pick<CustomerContext, Envelope | K>;
}

const action = <I extends z.ZodType, O extends z.ZodType>(a: DataAction<I, O>) => a;

// The route table (under /v1/data-actions). OpenAPI and the Genesys action definitions are
// generated from it; each per-source route is the aggregate restricted to its source (SPEC §3).
export const DATA_ACTIONS = [
  action({
    name: 'customer-context',
    path: '/customer-context',
    summary: 'Agent, CRM account and orders of a customer, fetched concurrently',
    input: customerContextInput,
    output: customerContextOutput,
    run: (input, deps, elapsedMs) => aggregateCustomerContext(input, deps, elapsedMs),
  }),
  action({
    name: 'genesys-user',
    path: '/genesys-user',
    summary: 'The Genesys Cloud user (agent) with presence and routing status',
    input: genesysUserInput,
    output: genesysUserOutput,
    run: async (input, deps, elapsedMs) => restrict(await aggregateCustomerContext({ ...input, include: ['user'] }, deps, elapsedMs), 'user'),
  }),
  action({
    name: 'crm-account',
    path: '/crm-account',
    summary: 'The CRM account of a customer',
    input: crmAccountInput,
    output: crmAccountOutput,
    run: async (input, deps, elapsedMs) => restrict(await aggregateCustomerContext({ ...input, include: ['crm'] }, deps, elapsedMs), 'crm'),
  }),
  action({
    name: 'orders',
    path: '/orders',
    summary: 'The active and pending orders of a customer',
    input: ordersInput,
    output: ordersOutput,
    run: async (input, deps, elapsedMs) => restrict(await aggregateCustomerContext({ ...input, include: ['orders'] }, deps, elapsedMs), 'orders'),
  }),
];

/** The data-action routes and the backends behind them, built and closed with the app. */
export default async function dataActionRoutes(app: FastifyInstance) {
  const { config, metrics } = app;
  const sources = await createSources(config, metrics);
  app.addHook('onClose', () => sources.close());
  const { genesysLogin } = sources;
  if (genesysLogin) {
    app.readiness.register('genesys-login', () => genesysLogin.get(AbortSignal.timeout(config.genesys.timeoutMs), config.genesys.timeoutMs).then(() => undefined));
  }

  const deps: AggregateDeps = {
    sources,
    metrics,
    budgetsMs: { user: config.genesys.timeoutMs, crm: config.crm.timeoutMs, orders: config.orders.timeoutMs },
    deadlineMs: config.dataActionDeadlineMs,
  };
  for (const a of DATA_ACTIONS as DataAction<z.ZodType, z.ZodType>[]) {
    app.post(a.path, {
      onRequest: app.authenticate.dataActions,
      schema: { summary: a.summary, body: a.input, response: { 200: a.output } },
    }, async (request, reply) => {
      const answer = await a.run(request.body, deps, reply.elapsedTime);
      metrics.dataActionResults.inc({ route: a.name, complete: String((answer as { complete: boolean }).complete) });
      return answer;
    });
  }
}
