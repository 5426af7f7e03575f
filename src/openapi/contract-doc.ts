import type { z } from 'zod';
import { serviceVariables } from '../config.js';
import { ERROR_CODES, type ErrorSpec } from '../errors.js';
import type { SourceDefinition } from '../sources/definition.js';
import { toJsonSchema, type JsonSchema } from './json-schema.js';
import { isDataActionRoute } from './genesys.js';
import type { CollectedRoute } from './route-table.js';

// The generated parts of docs/contract.md and the README: tables written from the same zod schemas
// that validate the routes and the variables, so that the documents cannot drift from the code.

const START = (name: string) => `<!-- generated:${name} -->`;
const END = (name: string) => `<!-- /generated:${name} -->`;

/** Replaces the text between each block's markers; a missing marker is an error, not a skip. */
export function fillBlocks(text: string, blocks: Record<string, string>): string {
  let out = text;
  for (const [name, content] of Object.entries(blocks)) {
    const start = out.indexOf(START(name));
    const end = out.indexOf(END(name));
    if (start < 0 || end < start) throw new Error(`no generated:${name} block`);
    out = `${out.slice(0, start + START(name).length)}\n${content.replace(/\n*$/, '\n')}${out.slice(end)}`;
  }
  return out;
}

const cell = (s: unknown) => String(s ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ');
const code = (s: unknown) => `\`${String(s)}\``;
const table = (head: string[], rows: string[][]) => [
  `| ${head.join(' | ')} |`,
  `|${head.map(() => '---').join('|')}|`,
  ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
].join('\n');

function typeOf(node: JsonSchema): string {
  if (Array.isArray(node.enum)) return node.enum.map((v) => code(v)).join(' or ');
  if (node.type === 'array') return `array of ${typeOf((node.items ?? {}) as JsonSchema)}`;
  return String(node.type ?? 'any');
}

function ruleOf(node: JsonSchema): string {
  const rules: string[] = [];
  if (typeof node.pattern === 'string') rules.push(`matches ${code(node.pattern)}`);
  const bound = (v: unknown) => typeof v === 'number' && Math.abs(v) < Number.MAX_SAFE_INTEGER;
  const range = `${String(node.minimum)}-${String(node.maximum)}`;
  if (bound(node.minimum) && bound(node.maximum) && !String(node.description).includes(range)) rules.push(range);
  if (typeof node.minLength === 'number' && node.minLength > 0) rules.push(`at least ${node.minLength} characters`);
  return [node.description, ...rules].filter(Boolean).join('; ');
}

function inputRows(schema: JsonSchema): string[][] {
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(([name, node]) => [
    code(name),
    typeOf(node),
    required.has(name) ? 'yes' : 'no',
    ruleOf(node),
    node.default === undefined ? '' : code(node.default),
  ]);
}

function outputRows(schema: JsonSchema, prefix = ''): string[][] {
  return Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).flatMap(([name, node]) => {
    const path = `${prefix}${name}`;
    if (node.type === 'object') return outputRows(node, `${path}.`);
    if (node.type === 'array' && (node.items as JsonSchema | undefined)?.type === 'object') {
      return [
        [code(path), 'array', String(node.description ?? '')],
        ...outputRows(node.items as JsonSchema, `${path}[].`),
      ];
    }
    return [[code(path), typeOf(node), String(node.description ?? '')]];
  });
}

/** Per data-action route: its input fields and every field of its answer. */
export function dataActionTables(routes: CollectedRoute[]): string {
  return routes
    .filter(isDataActionRoute)
    .map((r) => {
      const input = toJsonSchema(r.schema.body, 'input').schema;
      const output = toJsonSchema(r.schema.response?.['200'], 'output').schema;
      return [
        `#### \`POST ${r.url}\``, '', r.schema.summary ?? '', '',
        table(['input', 'type', 'required', 'rule', 'default'], inputRows(input)), '',
        table(['output field', 'type', 'meaning'], outputRows(output)),
      ].join('\n');
    }).join('\n\n');
}

function defaultOf(schema: z.ZodType): string {
  const parsed = schema.safeParse(undefined);
  const value = parsed.success ? parsed.data : undefined;
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return '—';
  return code(value);
}

function variableRows(shape: z.core.$ZodShape): string[][] {
  return Object.entries(shape).map(([name, schema]) => {
    const description = (schema as z.ZodType).description;
    if (!description) throw new Error(`variable ${name} has no description`);
    return [code(name), defaultOf(schema as z.ZodType), description];
  });
}

/** Every variable: the service's own, then each backend's, with its default and meaning. */
export function variableTables(sources: readonly SourceDefinition[]): string {
  const head = ['variable', 'default', 'meaning'];
  const rows = (s: SourceDefinition) => [
    ...variableRows(s.env),
    ...(s.variables ?? []).map((v) => [code(v.name), v.default === undefined ? '—' : code(v.default), v.description]),
  ];
  return [
    table(head, variableRows(serviceVariables)),
    ...sources.map((s) => `**${s.title}** (\`${s.name}\`, route \`${s.route}\`)\n\n${table(head, rows(s))}`),
  ].join('\n\n');
}

/** The error catalogue (src/errors.ts): every code, its status, where it is answered, what it means. */
export function errorTable(): string {
  const rows = (Object.entries(ERROR_CODES) as [string, ErrorSpec][]).map(([name, spec]) => [
    code(name), String(spec.status), spec.retryAfter ? 'yes' : '',
    spec.scope.map((s) => (s === 'connection' ? 'any request' : s)).join(', ') + (spec.body ? ' (with a body)' : ''),
    spec.description,
  ]);
  return table(['code', 'status', 'retry-after', 'answered on', 'when'], rows);
}
