import { z } from 'zod';
import type { SourceInput } from './definition.js';

// The data-action inputs the built-in backends read (docs/contract.md, "Inputs"), and the helper
// their answer fields are written with. One schema per input, shared by every backend that reads
// it, so that the routes, OpenAPI and the Genesys input contracts describe it once.

const ID_CHARS = /^[A-Za-z0-9._:@+-]{1,128}$/;
const ID_RULE = 'must be 1-128 characters of A-Z a-z 0-9 . _ : @ + -';

/** An input's type error: "is required" when absent, "must be <type>" otherwise. */
export const typeError = (type: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : `must be ${type}`),
});

const id = (description: string, example: string) =>
  z.string(typeError('a string'))
    .regex(ID_CHARS, { error: ID_RULE })
    .meta({ description, example });

export const customerId = id('Customer id in the CRM and orders systems', 'c-123');

// A user id is a URL path segment: "." and ".." would be resolved as dot-segments (RFC 3986 §5.2.4).
export const userId = id('Genesys Cloud user (agent) id', '6a3af858-942f-489d-9700-5f9bcdcdae9b')
  .refine((v) => v !== '.' && v !== '..', { error: ID_RULE.replace('must be', 'must not be . or .., and') });

// Strict integer, no numeric strings: the generated Genesys action writes `ordersLimit` unquoted
// (openapi/genesys/*.json requestTemplate), which keeps the contract's JSON type, and a coercing
// schema would publish a string|integer union that a Genesys input contract cannot express.
export const DEFAULT_ORDERS_LIMIT = 5;
const ORDERS_LIMIT_RULE = 'must be an integer from 1 to 50';
export const ordersLimit = z.int({ error: ORDERS_LIMIT_RULE })
  .min(1, { error: ORDERS_LIMIT_RULE }).max(50, { error: ORDERS_LIMIT_RULE })
  .default(DEFAULT_ORDERS_LIMIT)
  .meta({ description: 'Maximum number of orders to return (1-50)', example: 5 });

export const required = (schema: z.ZodType): SourceInput => ({ schema, required: true });
export const optionalInput = (schema: z.ZodType): SourceInput => ({ schema, required: false });

/** A text field of a section, described for OpenAPI and the Genesys output contracts. */
export const textField = (description: string, example: string) => z.string().meta({ description, example });
