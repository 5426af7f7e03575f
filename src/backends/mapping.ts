import jsonata from 'jsonata';
import { upstream } from '../http/errors.js';
import type { FieldSpec, FieldType } from './schema.js';

// From a backend's JSON answer to the flat fields of its section (docs/backends.md, "Mapping"):
// each field is a JSONata expression compiled once at start; its result is coerced to the field's
// type, and a result of the wrong type, or none, takes the field's default: never null.

/** JSONata evaluates asynchronously; a plain path is read directly, with the same result. */
export type Expression = (data: unknown) => unknown;

interface Step {
  name: string;
  /** A single numeric index, as in `records[0]`. */
  index?: number;
}

/** The parts of JSONata's parse tree read here ("path" nodes are missing from its typings). */
interface Node {
  type: string;
  value?: unknown;
  steps?: Node[];
  stages?: Node[];
  expr?: Node;
}

/** The steps of a plain path (`a.b`, `records[0].Name`), or undefined for any other expression. */
function plainPath(ast: Node): Step[] | undefined {
  if (ast.type !== 'path' || !ast.steps) return undefined;
  const steps: Step[] = [];
  for (const step of ast.steps) {
    if (step.type !== 'name' || typeof step.value !== 'string') return undefined;
    const [stage, ...more] = step.stages ?? [];
    if (more.length > 0) return undefined;
    const index = stage?.type === 'filter' && stage.expr?.type === 'number' ? stage.expr.value : undefined;
    if (stage && !Number.isInteger(index)) return undefined;
    steps.push({ name: step.value, ...(typeof index === 'number' && { index }) });
  }
  return steps;
}

const AMBIGUOUS = Symbol('jsonata semantics');

/** JSONata maps a path over arrays: where a step meets anything but an object, JSONata decides. */
function readPath(steps: Step[], data: unknown): unknown {
  let value = data;
  for (const { name, index } of steps) {
    if (value === undefined) return undefined;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return AMBIGUOUS;
    value = (value as Record<string, unknown>)[name];
    if (index === undefined) continue;
    if (Array.isArray(value)) value = value[index < 0 ? value.length + index : index];
    else if (index !== 0 && value !== undefined) return AMBIGUOUS;
  }
  return value;
}

class ExpressionError extends Error {}

/** Compiles `source` once; throws an ExpressionError naming the position of a syntax error. */
export function compile(source: string): Expression {
  let expression: jsonata.Expression;
  try {
    expression = jsonata(source);
  } catch (err) {
    const e = err as { message: string; position?: number };
    const at = e.position === undefined ? '' : ` at ${e.position}`;
    throw new ExpressionError(`JSONata syntax error${at}: ${e.message}`);
  }
  const steps = plainPath(expression.ast() as unknown as Node);
  const evaluate = (data: unknown) => expression.evaluate(data);
  if (!steps) return evaluate;
  return (data) => {
    const value = readPath(steps, data);
    return value === AMBIGUOUS ? evaluate(data) : value;
  };
}

const EMPTY: Record<FieldType, string | number | boolean> = { string: '', integer: 0, number: 0, boolean: false };

/** `value` as `type`, or undefined when it is not one and does not read as one. */
export function coerce(type: FieldType, value: unknown): string | number | boolean | undefined {
  switch (type) {
    case 'string':
      if (typeof value === 'string') return value;
      return typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
        ? String(value)
        : undefined;
    case 'integer':
      if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
      return typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim()) ? Number(value) : undefined;
    case 'number':
      if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
      return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
        ? Number(value)
        : undefined;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      return value === 'true' ? true : value === 'false' ? false : undefined;
  }
}

/** What a field is when the answer does not give it: its declared default, or the type's empty value. */
const fallbackOf = (field: FieldSpec) => coerce(field.type, field.default) ?? EMPTY[field.type];

export interface CompiledField {
  name: string;
  spec: FieldSpec;
  read: Expression;
  fallback: string | number | boolean;
}

/** Compiles every field; a field whose expression does not compile is a problem named `<where>.<field>.from`. */
export function compileFields(fields: Record<string, FieldSpec>, where: string, problems: string[]): CompiledField[] {
  const compiled: CompiledField[] = [];
  for (const [name, spec] of Object.entries(fields)) {
    const read = compileAt(spec.from, `${where}.${name}.from`, problems);
    if (read) compiled.push({ name, spec, read, fallback: fallbackOf(spec) });
  }
  return compiled;
}

/** Compiles `source`, or adds `<where>: <syntax error>` to `problems`. */
export function compileAt(source: string, where: string, problems: string[]): Expression | undefined {
  try {
    return compile(source);
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    problems.push(`${where}: ${err.message}`);
    return undefined;
  }
}

/** `expression` of `data`; one that fails at run time makes the answer unreadable by `what`. */
export async function evaluate(expression: Expression, data: unknown, target: string, what: string) {
  try {
    const value = expression(data);
    return value instanceof Promise ? await value : value;
  } catch {
    throw upstream.badResponse(target, `an answer ${what} could not read`);
  }
}

/**
 * The section's fields from `data`. A required field the answer lacks makes the answer not the
 * expected JSON; an expression that fails at run time makes the source `error`, never a 500.
 */
export async function mapFields(
  fields: CompiledField[],
  data: unknown,
  target: string,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const { name, spec, read, fallback } of fields) {
    let raw: unknown;
    try {
      raw = read(data);
      if (raw instanceof Promise) raw = await raw;
    } catch {
      throw upstream.badResponse(target, `an answer the mapping of ${name} could not read`);
    }
    const value = coerce(spec.type, raw);
    if (value === undefined && spec.required) throw upstream.badResponse(target, `an answer without ${name}`);
    out[name] = value ?? fallback;
  }
  return out;
}
