import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { packageFile } from '../package.js';
import type { DocumentedVariable, SourceDefinition } from '../sources/definition.js';
import { customerId, ordersLimit, typeError, userId } from '../sources/fields.js';
import { compileBackend, createDeclaredSource } from './declared.js';
import { backendsFile, type BackendSpec, type InputSpec } from './schema.js';
import { joinPath, resolveSettings } from './settings.js';
import { references } from './variables.js';

// BACKENDS_FILE (docs/backends.md): backends declared in YAML or JSON, validated at start with
// every problem named by its place in the file. Unset, the built-in CRM and orders declarations
// (backends/default.yaml) are read, so their variables mean what they always meant.

const DEFAULT_BACKENDS_FILE = packageFile('backends/default.yaml');

const BUILT_IN_INPUTS: Record<string, z.ZodType> = { customerId, userId, ordersLimit };
const RESERVED_INPUTS = new Set(['include']);

const place = (path: PropertyKey[]) => joinPath(path).replace(/^\./, '');

function inputSchema(spec: InputSpec): z.ZodType {
  const meta = { description: spec.description, ...(spec.example !== undefined && { example: spec.example }) };
  switch (spec.type) {
    case 'string': {
      const max = spec.maxLength ?? 256;
      const base = z.string(typeError('a string')).max(max, { error: `must be at most ${max} characters` });
      const matching = spec.pattern
        ? base.regex(new RegExp(spec.pattern), { error: `must match ${spec.pattern}` })
        : base;
      return matching.meta(meta);
    }
    case 'boolean':
      return z.boolean(typeError('true or false')).meta(meta);
    default: {
      let n = spec.type === 'integer' ? z.int(typeError('an integer')) : z.number(typeError('a number'));
      if (spec.minimum !== undefined) n = n.min(spec.minimum);
      if (spec.maximum !== undefined) n = n.max(spec.maximum);
      return n.meta(meta);
    }
  }
}

function declared(spec: BackendSpec, at: string, catalog: Map<string, z.ZodType>, described: Record<string, string>,
  problems: string[]): SourceDefinition | undefined {
  const own: string[] = [];
  const compiled = compileBackend(spec, catalog, own);
  problems.push(...own.map((p) => `${at}.${p}`));
  if (own.length > 0) return undefined;
  const variables: DocumentedVariable[] = [];
  for (const ref of references(spec)) {
    if (variables.some((v) => v.name === ref.name)) continue;
    variables.push({ name: ref.name, ...(ref.default !== undefined && { default: ref.default }),
      description: described[ref.name] ?? `read by ${at} of the backends file` });
  }
  return {
    ...compiled.contract,
    env: {},
    variables,
    configure(source, found) {
      const resolved = resolveSettings(spec, at, source, found);
      if (resolved === undefined) return undefined;
      const settings = resolved.configured ? resolved.settings : undefined;
      return {
        contract: compiled.contract,
        settings,
        timeoutMs: settings?.timeoutMs ?? 0,
        start: (ctx) => (settings === undefined
          ? undefined
          : Promise.resolve(createDeclaredSource(spec, compiled, settings, ctx))),
      };
    },
  };
}

/** The backends of `file` (BACKENDS_FILE, or the built-in file); every problem goes to `problems`. */
export function loadBackends(file: string | undefined, problems: string[]): SourceDefinition[] {
  const path = file ?? DEFAULT_BACKENDS_FILE;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`BACKENDS_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    return [];
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (document.errors.length > 0) {
    for (const e of document.errors) {
      const { line, col } = lines.linePos(e.pos[0]);
      problems.push(`BACKENDS_FILE: ${path}:${line}:${col}: ${e.message.split('\n')[0]}`);
    }
    return [];
  }
  const parsed = backendsFile.safeParse(document.toJS());
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((i) => `${place(i.path) || 'BACKENDS_FILE'}: ${i.message}`));
    return [];
  }
  const { backends, inputs = {}, variables = {} } = parsed.data;
  const catalog = new Map(Object.entries(BUILT_IN_INPUTS));
  for (const [name, spec] of Object.entries(inputs)) {
    if (catalog.has(name) || RESERVED_INPUTS.has(name)) problems.push(`inputs.${name}: a built-in input has this name`);
    else catalog.set(name, inputSchema(spec));
  }
  return backends.flatMap((spec, i) => declared(spec, `backends[${i}]`, catalog, variables, problems) ?? []);
}
