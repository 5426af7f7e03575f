import { z } from 'zod';

/**
 * The one error body (docs/contract.md; `errorBody()` in src/errors.ts builds it), as a zod schema so the
 * OpenAPI document references a single component for every 4xx/5xx answer.
 */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string().describe('Stable machine-readable code, e.g. VALIDATION_FAILED, RATE_LIMITED, OVERLOADED'),
    message: z.string().describe('Human-readable explanation'),
    fields: z.record(z.string(), z.string()).describe('Per-field problems for 400 answers, otherwise empty'),
  }),
}).describe('Error body shared by every non-2xx answer');
