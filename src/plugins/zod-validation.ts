import fp from 'fastify-plugin';
import { z } from 'zod';
import { errors, type FieldProblems } from '../errors.js';

/** One message per field, named by its dotted path ("" for the body itself), as SPEC §3 asks. */
export function fieldProblems(error: z.ZodError): FieldProblems {
  const fields: FieldProblems = {};
  for (const issue of error.issues) {
    const name = issue.path.join('.') || 'body';
    fields[name] ??= issue.message;
  }
  return fields;
}

/** Parses `data` with `schema` or throws the coded 400 naming every bad field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, data: unknown): z.output<T> {
  const result = schema.safeParse(data);
  if (!result.success) throw errors.validation(fieldProblems(result.error));
  return result.data;
}

/**
 * Routes declare zod schemas in `schema.body` / `schema.querystring`; the same schema object
 * gives the TypeScript type, the OpenAPI document and the Genesys contract (STYLE §2).
 */
export default fp(async (app) => {
  app.setValidatorCompiler(({ schema }) => {
    const zodSchema = schema as unknown as z.ZodType;
    return (data: unknown) => {
      const result = zodSchema.safeParse(data);
      return result.success ? { value: result.data } : { error: errors.validation(fieldProblems(result.error)) };
    };
  });
}, { name: 'zod-validation' });
