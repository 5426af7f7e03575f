import { z } from 'zod';

// The shape of a backends file (docs/backends.md). Values that may come from the environment
// (`${env:NAME}` or `${env:NAME:-default}`) are checked once resolved, by ./settings.ts; this
// schema checks everything else at start, whether the backend is configured or not.

const FIELD_TYPES = ['string', 'integer', 'number', 'boolean'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Genesys contract property names (src/openapi/genesys-contract.ts), no leading digit. */
const PROPERTY = /^[a-zA-Z][a-zA-Z0-9_]*$/;
const NAME = /^[a-z][a-zA-Z0-9]*$/;
const ROUTE = /^[a-z][a-z0-9-]*$/;
const VARIABLE = /^[A-Z_][A-Z0-9_]*$/;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const expression = z.string().min(1, 'must be a JSONata expression');
const text = z.string().min(1);

const field = z.strictObject({
  type: z.enum(FIELD_TYPES),
  from: expression,
  default: scalar.optional(),
  required: z.boolean().optional(),
  description: z.string().optional(),
  example: scalar.optional(),
});
export type FieldSpec = z.infer<typeof field>;

const fields = z.record(z.string().regex(PROPERTY, `must match ${PROPERTY}`), field);

const auth = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('apiKey'), header: text, value: text }),
  z.strictObject({ type: z.literal('bearer'), token: text }),
  z.strictObject({ type: z.literal('basic'), username: text, password: z.string() }),
  z.strictObject({
    type: z.literal('oauth2'),
    tokenUrl: text,
    clientId: text,
    clientSecret: text,
    scope: z.string().optional(),
    clientAuth: z.enum(['basic', 'body']).optional(),
    expiresInSeconds: scalar.optional(),
  }),
], { error: 'must have a type: none, apiKey, bearer, basic or oauth2' });
export type AuthSpec = z.infer<typeof auth>;

const items = z.strictObject({
  from: expression,
  fields,
  limitInput: z.string().optional(),
  max: z.int().min(1).max(100).optional(),
  nextCursor: z.strictObject({
    from: expression,
    into: z.union([z.strictObject({ query: text }), z.strictObject({ body: text })]),
  }).optional(),
  nextLink: z.strictObject({ from: expression }).optional(),
}).refine((i) => !(i.nextCursor && i.nextLink), { error: 'pages by nextCursor or by nextLink, not both' });
export type ItemsSpec = z.infer<typeof items>;

const backendSpec = z.strictObject({
  name: z.string().regex(NAME, `must match ${NAME} (the section's key in the answer)`),
  route: z.string().regex(ROUTE, `must match ${ROUTE}`).optional(),
  title: text.optional(),
  summary: text.optional(),
  baseUrl: text,
  auth: auth.optional(),
  headers: z.record(z.string(), z.string()).optional(),
  traceparent: z.boolean().optional(),
  request: z.strictObject({
    method: z.enum(['GET', 'POST']).default('GET'),
    path: z.string().startsWith('/', 'must start with /'),
    query: z.record(z.string(), scalar).optional(),
    body: z.record(z.string(), z.unknown()).optional(),
  }),
  inputs: z.record(z.string(), z.enum(['required', 'optional'])).optional(),
  notFound: z.strictObject({
    status: z.array(z.int().min(400).max(599)).optional(),
    when: expression.optional(),
  }).optional(),
  output: fields.optional(),
  items: items.optional(),
  timeoutMs: scalar.optional(),
  cacheTtlMs: scalar.optional(),
  retry: z.strictObject({
    attempts: scalar.optional(),
    baseMs: scalar.optional(),
    maxMs: scalar.optional(),
  }).optional(),
});
export type BackendSpec = z.infer<typeof backendSpec>;

const input = z.strictObject({
  type: z.enum(FIELD_TYPES),
  description: text,
  example: scalar.optional(),
  pattern: z.string().optional(),
  maxLength: z.int().min(1).optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
});
export type InputSpec = z.infer<typeof input>;

export const backendsFile = z.strictObject({
  /** What each variable the file reads means: the configuration's documentation shows it. */
  variables: z.record(z.string().regex(VARIABLE, `must match ${VARIABLE}`), z.string()).optional(),
  /** Data-action inputs beyond the built-in ones (customerId, userId, ordersLimit). */
  inputs: z.record(z.string().regex(PROPERTY, `must match ${PROPERTY}`), input).optional(),
  backends: z.array(backendSpec),
});
