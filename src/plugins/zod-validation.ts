import fp from 'fastify-plugin';
import fastJson from 'fast-json-stringify';
import type { z } from 'zod';
import { errors, type FieldProblems } from '../errors.js';
import { isZod, toJsonSchema } from '../openapi/json-schema.js';

/** One message per field, named by its dotted path ("body" for the body itself: docs/contract.md). */
export function fieldProblems(error: z.ZodError): FieldProblems {
  const fields: FieldProblems = {};
  for (const issue of error.issues) {
    const name = issue.path.join('.') || 'body';
    fields[name] ??= issue.message;
  }
  return fields;
}

/**
 * Routes declare zod schemas in `schema.body` and `schema.response`; the same schema object gives
 * the validation, the TypeScript type, the OpenAPI document and the Genesys contract.
 * Responses are serialised by fast-json-stringify compiled once from the schema's JSON Schema.
 */
export default fp(async (app, opts: { validation?: boolean; serialisation?: boolean }) => {
  // Both stay on in the service; the bench's ablation turns one off to price it (bench/README.md).
  app.setValidatorCompiler(({ schema }) => {
    if (opts.validation === false) return (data: unknown) => ({ value: data });
    const zodSchema = schema as unknown as z.ZodType;
    return (data: unknown) => {
      const result = zodSchema.safeParse(data);
      return result.success ? { value: result.data } : { error: errors.validation(fieldProblems(result.error)) };
    };
  });
  app.setSerializerCompiler(({ schema }) => {
    if (!isZod(schema) || opts.serialisation === false) return (data: unknown) => JSON.stringify(data);
    const { schema: json, defs } = toJsonSchema(schema, 'output', 'draft-7');
    // Response schemas inline every part: a shared definition would need fast-json-stringify's refs.
    if (Object.keys(defs).length > 0) throw new Error('response schemas must not use shared definitions');
    const stringify = fastJson(json as unknown as Parameters<typeof fastJson>[0]);
    return (data: unknown) => stringify(data);
  });
}, { name: 'zod-validation' });
