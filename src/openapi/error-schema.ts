import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../errors.js';

/**
 * The one error body (docs/contract.md; `errorBody()` in src/errors.ts builds it), as a zod schema so the
 * OpenAPI document references a single component for every 4xx/5xx answer.
 */
export const ErrorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]])
      .describe('Stable machine-readable code (docs/contract.md, "Error codes")'),
    message: z.string().describe('Human-readable explanation'),
    fields: z.record(z.string(), z.string()).describe('Per-field problems for 400 answers, otherwise empty'),
  }),
}).describe('Error body shared by every non-2xx answer');
