import fp from 'fastify-plugin';
import fastJson from 'fast-json-stringify';
import { z } from 'zod';
import { errors, type FieldProblems } from '../errors.js';

/** One message per field, named by its dotted path ("body" for the body itself), as SPEC §3 asks. */
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

/** JSON Schema of a zod schema as it is sent (`io: 'output'`), for serialisers and OpenAPI. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'output') {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io, target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
}

const isZod = (schema: unknown): schema is z.ZodType => schema instanceof z.ZodType;

/**
 * Routes declare zod schemas in `schema.body` and `schema.response`; the same schema object gives
 * the validation, the TypeScript type, the OpenAPI document and the Genesys contract (STYLE §2).
 * Responses are serialised by fast-json-stringify compiled once from the schema's JSON Schema.
 */
export default fp(async (app) => {
  app.setValidatorCompiler(({ schema }) => {
    const zodSchema = schema as unknown as z.ZodType;
    return (data: unknown) => {
      const result = zodSchema.safeParse(data);
      return result.success ? { value: result.data } : { error: errors.validation(fieldProblems(result.error)) };
    };
  });
  app.setSerializerCompiler(({ schema }) => {
    if (!isZod(schema)) return (data: unknown) => JSON.stringify(data);
    const stringify = fastJson(jsonSchemaOf(schema) as unknown as Parameters<typeof fastJson>[0]);
    return (data: unknown) => stringify(data);
  });
}, { name: 'zod-validation' });
