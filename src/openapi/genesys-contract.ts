import type { JsonSchema } from './json-schema.js';

// Genesys Cloud contract rules ("Add contracts to custom actions for integrations",
// help.mypurecloud.com/?p=141876): the input is one flat object whose properties are string,
// integer, number, boolean or null, named ^[a-zA-Z][a-zA-Z0-9_-]*$ and not orgId, integrationId or
// rawRequest; the output supports no nested arrays; neither contract supports $ref.

export const PRIMITIVES = new Set(['string', 'integer', 'number', 'boolean', 'null']);
export const PROPERTY_NAME = /^[a-zA-Z][a-zA-Z0-9_-]*$/;
export const RESERVED_INPUTS = new Set(['orgId', 'integrationId', 'rawRequest']);
/** The keywords a contract keeps; validation keywords stay with the service, which answers 400. */
export const CONTRACT_KEYWORDS = new Set([
  'type', 'title', 'description', 'properties', 'items', 'required', 'additionalProperties',
]);

/** Reduces a JSON Schema to what a Genesys contract accepts: one type per node, no $ref, no validation keywords. */
export function toContractSchema(node: JsonSchema): JsonSchema {
  // zod writes optional-or-null as anyOf/oneOf or a type list; Genesys wants the one real type.
  const branches = (node.anyOf ?? node.oneOf) as JsonSchema[] | undefined;
  if (branches) {
    const real = branches.filter((b) => b.type !== 'null');
    if (real.length === 1) {
      return toContractSchema({ ...real[0], ...(node.description ? { description: node.description } : {}) });
    }
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (!CONTRACT_KEYWORDS.has(key)) continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>)
        .map(([k, v]) => [k, toContractSchema(v)]));
    } else if (key === 'items') {
      out.items = toContractSchema(value as JsonSchema);
    } else if (key === 'type' && Array.isArray(value)) {
      out.type = value.find((t) => t !== 'null') ?? 'null';
    } else if (key !== 'additionalProperties') {
      out[key] = value;
    }
  }
  if (out.type === undefined && node.const !== undefined) {
    out.type = typeof node.const === 'number' ? 'number' : typeof node.const;
  }
  if (out.type === undefined && Array.isArray(node.enum)) out.type = typeof node.enum[0];
  // Genesys exports mark objects open: a field added to the service later does not break the action.
  if (out.type === 'object') out.additionalProperties = true;
  return out;
}

/** Every rule an input contract breaks, by property. */
export function inputContractProblems(schema: JsonSchema): string[] {
  const problems: string[] = [];
  if (schema.type !== 'object') problems.push('input: the top level must be an object');
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const [name, prop] of Object.entries(properties)) {
    if (!PROPERTY_NAME.test(name)) problems.push(`input.${name}: name must match ${PROPERTY_NAME}`);
    if (RESERVED_INPUTS.has(name)) problems.push(`input.${name}: reserved by Genesys`);
    if (!PRIMITIVES.has(String(prop.type))) {
      problems.push(`input.${name}: type ${String(prop.type)} is not a primitive`);
    }
  }
  for (const name of (schema.required ?? []) as string[]) {
    if (!(name in properties)) problems.push(`input: required ${name} is not a property`);
  }
  return problems.concat(keywordProblems(schema, 'input'));
}

/** Every rule an output contract breaks: an object on top, no array inside an array. */
export function outputContractProblems(schema: JsonSchema): string[] {
  const problems = schema.type === 'object' ? [] : ['output: the top level must be an object'];
  const walk = (node: JsonSchema, path: string, inArray: boolean) => {
    if (node.type === 'array') {
      if (inArray) problems.push(`${path}: nested arrays are not supported`);
      if (node.items) walk(node.items as JsonSchema, `${path}[]`, true);
    } else if (node.type === 'object') {
      const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
      for (const [k, v] of Object.entries(properties)) walk(v, `${path}.${k}`, inArray);
    } else if (!PRIMITIVES.has(String(node.type))) {
      problems.push(`${path}: type ${String(node.type)} is not supported`);
    }
  };
  walk(schema, 'output', false);
  return problems.concat(keywordProblems(schema, 'output'));
}

function keywordProblems(node: JsonSchema, path: string): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (!CONTRACT_KEYWORDS.has(key)) problems.push(`${path}: keyword ${key} is not kept in contracts`);
    if (key === 'properties') {
      for (const [k, v] of Object.entries(value as Record<string, JsonSchema>)) {
        problems.push(...keywordProblems(v, `${path}.${k}`));
      }
    }
    if (key === 'items') problems.push(...keywordProblems(value as JsonSchema, `${path}[]`));
  }
  return problems;
}
