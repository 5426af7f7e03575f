import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

export const isZod = (schema: unknown): schema is z.ZodType => schema instanceof z.ZodType;

/**
 * JSON Schema of a route schema: zod schemas are converted (request bodies as the client sends
 * them, `io: 'input'`; responses as we send them, `io: 'output'`), plain JSON Schema passes as is.
 * Shared `$defs` are returned apart so the caller can hoist them into `components.schemas`.
 */
export function toJsonSchema(
  schema: unknown,
  io: 'input' | 'output',
  target: 'draft-2020-12' | 'draft-7' | 'draft-04' = 'draft-2020-12',
): { schema: JsonSchema; defs: Record<string, JsonSchema> } {
  if (!isZod(schema)) return { schema: (schema ?? {}) as JsonSchema, defs: {} };
  const json = z.toJSONSchema(schema, { io, target, unrepresentable: 'any' }) as JsonSchema;
  const { $schema: _dialect, $defs, definitions, ...rest } = json;
  return { schema: rest, defs: ($defs ?? definitions ?? {}) as Record<string, JsonSchema> };
}

/** Rewrites `#/$defs/X` references to another location (OpenAPI components). */
export function rewriteRefs<T>(value: T, prefix: string): T {
  return JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', `"${prefix}`)) as T;
}
