import { z } from 'zod';

// The data-action contract of SPEC §3, once: route validation, TypeScript types, the OpenAPI
// document and the Genesys input/output contracts all come from these schemas (STYLE §2).
// Outputs are flat enough for a Genesys output contract: every field always present, never
// null, and no array inside an array.

const ID_CHARS = /^[A-Za-z0-9._:@+-]{1,128}$/;
const ID_RULE = 'must be 1-128 characters of A-Z a-z 0-9 . _ : @ + -';

const id = (description: string, example: string) =>
  z.string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be a string') })
    .regex(ID_CHARS, { error: ID_RULE })
    .meta({ description, example });

const customerId = id('Customer id in the CRM and orders systems', 'c-123');
// A user id is a URL path segment: "." and ".." would be resolved as dot-segments (RFC 3986 §5.2.4).
const userId = id('Genesys Cloud user (agent) id', '6a3af858-942f-489d-9700-5f9bcdcdae9b')
  .refine((v) => v !== '.' && v !== '..', { error: ID_RULE.replace('must be', 'must not be . or .., and') });

export const SOURCES = ['user', 'crm', 'orders'] as const;
export type SourceName = (typeof SOURCES)[number];

const INCLUDE_RULE = `must be a comma-separated subset of ${SOURCES.join(',')}`;
const parts = (v: string) => v.split(',').map((p) => p.trim());
// "" is how a Genesys template renders an unset variable: it means the default, all sources.
const include = z.string({ error: INCLUDE_RULE })
  .refine((v) => v === '' || parts(v).every((p) => (SOURCES as readonly string[]).includes(p)), { error: INCLUDE_RULE })
  .transform((v) => (v === '' ? [...SOURCES] : SOURCES.filter((s) => parts(v).includes(s))))
  .meta({ description: 'Sources to fetch, comma-separated subset of user,crm,orders (default: all)', example: 'user,crm' });

// Strict integer, no numeric strings: the generated Genesys action writes `ordersLimit` unquoted
// (openapi/genesys/*.json requestTemplate), which keeps the contract's JSON type, and a coercing schema would publish a string|integer
// union that a Genesys input contract cannot express. A quoted number means a hand-edited
// request template, which the 400 names at the action's "Test" step.
export const DEFAULT_ORDERS_LIMIT = 5;
const ORDERS_LIMIT_RULE = 'must be an integer from 1 to 50';
const ordersLimit = z.int({ error: ORDERS_LIMIT_RULE }).min(1, { error: ORDERS_LIMIT_RULE }).max(50, { error: ORDERS_LIMIT_RULE })
  .default(DEFAULT_ORDERS_LIMIT)
  .meta({ description: 'Maximum number of orders to return (1-50)', example: 5 });

export const customerContextInput = z.object({
  customerId,
  userId: userId.optional(),
  include: include.optional(),
  ordersLimit,
}).meta({ description: 'Input of the customer-context data action' });

export const genesysUserInput = z.object({
  userId,
  customerId: customerId.optional(),
}).meta({ description: 'Input of the genesys-user data action (customerId is only echoed)' });

export const crmAccountInput = z.object({ customerId }).meta({ description: 'Input of the crm-account data action' });

export const ordersInput = z.object({ customerId, ordersLimit }).meta({ description: 'Input of the orders data action' });

export const SOURCE_STATUSES = ['ok', 'not_found', 'timeout', 'rate_limited', 'unavailable', 'error', 'skipped'] as const;
export type SourceStatus = (typeof SOURCE_STATUSES)[number];

const text = (description: string, example: string) => z.string().meta({ description, example });

const outcome = {
  status: z.enum(SOURCE_STATUSES).meta({ description: 'What the source did (SPEC §3)', example: 'ok' }),
  error: text('Short reason when status is not ok, else empty', ''),
  stale: z.boolean().meta({ description: 'Served from cache past its TTL because the backend failed', example: false }),
};

export const userData = z.object({
  id: text('Genesys user id', '6a3af858-942f-489d-9700-5f9bcdcdae9b'),
  name: text('Display name', 'Jane Agent'),
  email: text('Email', 'jane@example.com'),
  department: text('Department', 'Support'),
  title: text('Job title', 'Senior Agent'),
  presence: text('System presence, e.g. Available', 'Available'),
  routingStatus: text('ACD routing status, e.g. IDLE', 'IDLE'),
});

export const crmData = z.object({
  accountId: text('CRM account id', 'c-123'),
  name: text('Account name', 'ACME Corp'),
  tier: text('Customer tier', 'GOLD'),
  email: text('Email', 'contact@acme.example'),
  phone: text('Phone', '+15550100'),
  language: text('Preferred language', 'en-US'),
  preferredChannel: text('Preferred channel', 'voice'),
});

export const orderItem = z.object({
  orderId: text('Order id', 'o-1'),
  status: text('ACTIVE or PENDING', 'ACTIVE'),
  total: z.number().meta({ description: 'Order total', example: 42.5 }),
  currency: text('ISO 4217 currency', 'USD'),
  createdAt: text('Creation time, ISO 8601', '2026-11-01T10:00:00Z'),
});

export const ordersData = z.object({
  count: z.int().meta({ description: 'Number of items returned', example: 2 }),
  hasMore: z.boolean().meta({ description: 'More orders exist than returned', example: false }),
  items: z.array(orderItem).meta({ description: 'The orders, in the backend\'s order' }),
});

export const userSection = z.object({ ...outcome, ...userData.shape }).meta({ description: 'The Genesys Cloud user (agent)' });
export const crmSection = z.object({ ...outcome, ...crmData.shape }).meta({ description: 'The CRM account' });
export const ordersSection = z.object({ ...outcome, ...ordersData.shape }).meta({ description: 'The customer\'s active and pending orders' });

const envelope = {
  customerId: text('The customerId of the input (empty when absent)', 'c-123'),
  complete: z.boolean().meta({ description: 'True when no requested source failed', example: true }),
  failedSources: text('Requested sources whose status is not ok or skipped, comma-separated, in the order user,crm,orders', ''),
  latencyMs: z.int().meta({ description: 'Time the service spent on the request', example: 41 }),
};

export const customerContextOutput = z.object({ ...envelope, user: userSection, crm: crmSection, orders: ordersSection })
  .meta({ description: 'Customer context: agent, CRM account and orders' });
export const genesysUserOutput = z.object({ ...envelope, user: userSection }).meta({ description: 'The Genesys Cloud user' });
export const crmAccountOutput = z.object({ ...envelope, crm: crmSection }).meta({ description: 'The CRM account' });
export const ordersOutput = z.object({ ...envelope, orders: ordersSection }).meta({ description: 'The customer\'s orders' });

export type UserData = z.infer<typeof userData>;
export type CrmData = z.infer<typeof crmData>;
export type OrderItem = z.infer<typeof orderItem>;
export type OrdersData = z.infer<typeof ordersData>;
export type CustomerContextInput = z.output<typeof customerContextInput>;
export type CustomerContext = z.infer<typeof customerContextOutput>;
