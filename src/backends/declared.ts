import { z } from 'zod';
import type { Budget } from '../http/budget.js';
import { upstream, UpstreamError } from '../http/errors.js';
import { createReadThroughCache } from '../sources/cache.js';
import type { Inputs, Source, SourceContext, SourceContract, SourceInput } from '../sources/definition.js';
import { authorizer } from './auth.js';
import { compileAt, compileFields, evaluate, mapFields, type CompiledField, type Expression } from './mapping.js';
import { paginate } from './pages.js';
import { compileRequest, placeholders, REMAINING } from './request.js';
import type { BackendSpec, FieldSpec } from './schema.js';
import type { BackendSettings } from './settings.js';

// A backend declared in a backends file (docs/backends.md) as a source definition: the same
// budgets, retries, circuit, cache, statuses and generated contracts as one written in code.

const ZOD: Record<FieldSpec['type'], () => z.ZodType> = {
  string: () => z.string(), integer: () => z.int(), number: () => z.number(), boolean: () => z.boolean(),
};

const shapeOf = (fields: Record<string, FieldSpec>) => Object.fromEntries(Object.entries(fields).map(([name, f]) =>
  [name, ZOD[f.type]().meta({
    description: f.description ?? name,
    ...(f.example !== undefined && { example: f.example }),
  })]));

const titleOf = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

export interface Compiled {
  contract: SourceContract;
  output: CompiledField[];
  items?: { read: Expression; fields: CompiledField[]; next?: Expression };
  notFoundWhen?: Expression;
}

/** Names the answer and its sections already use. */
const OUTCOME = new Set(['status', 'error', 'stale']);
const LIST = new Set(['count', 'hasMore', 'items']);

/** The inputs `spec` reads; every input it names must be one of `catalog`. */
function inputsOf(spec: BackendSpec, catalog: ReadonlyMap<string, z.ZodType>, problems: string[]) {
  const referenced = new Set([
    ...placeholders(spec.request),
    ...(spec.items?.limitInput ? [spec.items.limitInput] : []),
  ]);
  const inPath = new Set(placeholders(spec.request.path));
  const inputs: Record<string, SourceInput> = {};
  for (const name of referenced) {
    if (name === REMAINING) {
      if (!spec.items) problems.push(`request: {${REMAINING}} needs items`);
      continue;
    }
    const schema = catalog.get(name);
    if (!schema) {
      problems.push(`request: {${name}} is not a data-action input (known: ${[...catalog.keys()].join(', ')})`);
      continue;
    }
    const declared = spec.inputs?.[name];
    const required = declared ? declared === 'required' : name !== spec.items?.limitInput;
    if (inPath.has(name) && !required) problems.push(`request.path: {${name}} must be a required input`);
    inputs[name] = { schema, required };
  }
  for (const name of Object.keys(spec.inputs ?? {})) {
    if (!referenced.has(name)) problems.push(`inputs.${name}: the request does not use it`);
  }
  return inputs;
}

/** The contract and compiled mappings of `spec`; each problem is named by its place in the backend. */
export function compileBackend(
  spec: BackendSpec,
  catalog: ReadonlyMap<string, z.ZodType>,
  problems: string[],
): Compiled {
  const inputs = inputsOf(spec, catalog, problems);
  for (const name of Object.keys(spec.output ?? {})) {
    if (OUTCOME.has(name) || (spec.items && LIST.has(name))) {
      problems.push(`output.${name}: the section already has ${name}`);
    }
  }
  const title = spec.title ?? titleOf(spec.name);
  const itemShape = spec.items ? {
    count: z.int().meta({ description: 'Number of items returned', example: 2 }),
    hasMore: z.boolean().meta({ description: 'More items exist than returned', example: false }),
    items: z.array(z.object(shapeOf(spec.items.fields))).meta({ description: 'The items, in the backend\'s order' }),
  } : {};
  const output = compileFields(spec.output ?? {}, 'output', problems);
  const contract: SourceContract = {
    name: spec.name,
    route: spec.route ?? spec.name,
    title,
    summary: spec.summary ?? `The ${title}`,
    target: spec.name,
    inputs,
    data: z.object({ ...shapeOf(spec.output ?? {}), ...itemShape }),
    empty: {
      ...Object.fromEntries(output.map((f) => [f.name, f.fallback])),
      ...(spec.items && { count: 0, hasMore: false, items: [] }),
    },
  };
  const { items, notFound } = spec;
  const next = items?.nextCursor ? { key: 'nextCursor', from: items.nextCursor.from }
    : items?.nextLink ? { key: 'nextLink', from: items.nextLink.from } : undefined;
  const compiledItems = items && {
    read: compileAt(items.from, 'items.from', problems) ?? (() => undefined),
    fields: compileFields(items.fields, 'items.fields', problems),
    ...(next && { next: compileAt(next.from, `items.${next.key}.from`, problems) }),
  };
  const notFoundWhen = notFound?.when === undefined ? undefined : compileAt(notFound.when, 'notFound.when', problems);
  return { contract, output, ...(compiledItems && { items: compiledItems }), ...(notFoundWhen && { notFoundWhen }) };
}

/** The source of a configured declared backend, built for one app. */
export function createDeclaredSource(
  spec: BackendSpec,
  compiled: Compiled,
  settings: BackendSettings,
  ctx: SourceContext,
): Source<object> {
  const target = spec.name;
  const request = compileRequest(settings.request);
  const auth = authorizer(settings.auth, target, settings, ctx);
  const notFoundStatus = new Set(spec.notFound?.status ?? [404]);
  // A traced call tells the backend its span unless the file says the backend is another
  // organisation's API (docs/backends.md, `traceparent`; docs/decisions.md, "Tracing").
  const propagateTrace = spec.traceparent ?? true;
  const breaker = ctx.breaker();

  // An answer that means "no such record" is never retried with a new token: it maps to a 404 first.
  function call(url: string, body: unknown, method: 'GET' | 'POST', budget: Budget) {
    return auth.send(budget, async (authHeaders) => {
      try {
        const answer = await ctx.http.requestJson({
          target, method, url, headers: { ...settings.headers, ...authHeaders }, body, retry: settings.retry, budget,
          propagateTrace,
        });
        return answer.body;
      } catch (err) {
        if (!(err instanceof UpstreamError)) throw err;
        if (err.status !== undefined && notFoundStatus.has(err.status)) throw upstream.notFound(target);
        if (err.code === 'UPSTREAM_NOT_FOUND') throw upstream.status(target, 404);
        throw err;
      }
    });
  }

  async function answer(inputs: Inputs, budget: Budget): Promise<object> {
    const first = async (filled: Inputs, extra = {}) => {
      const filledRequest = request(filled, extra);
      // An input that would be a "." or ".." path segment addresses no record (./request.ts).
      if (!filledRequest) throw upstream.notFound(target);
      return call(`${settings.baseUrl}${filledRequest.target}`, filledRequest.body, settings.request.method, budget);
    };
    const head = async (body: unknown) => {
      const notFound = compiled.notFoundWhen
        && await evaluate(compiled.notFoundWhen, body, target, 'the notFound expression') === true;
      if (notFound) throw upstream.notFound(target);
      return mapFields(compiled.output, body, target);
    };
    if (!compiled.items || !spec.items) return head(await first(inputs));
    return paginate({ items: spec.items, compiled: compiled.items, settings, budget, clock: ctx.clock, target, inputs,
      first, link: (url) => call(url, undefined, 'GET', budget), head });
  }

  const names = Object.keys(compiled.contract.inputs);
  const load = (inputs: Inputs, budget: Budget) => breaker.run(() => answer(inputs, budget));
  const cache = settings.cacheTtlMs > 0 ? createReadThroughCache<object>({
    name: compiled.contract.route, target, ttlMs: settings.cacheTtlMs, timeoutMs: settings.timeoutMs,
    max: ctx.cacheMaxEntries, metrics: ctx.metrics, clock: ctx.clock,
    load: (key, budget) => load(JSON.parse(key) as Inputs, budget),
  }) : undefined;
  return {
    load: cache
      ? (inputs, budget) => cache.get(JSON.stringify(Object.fromEntries(names.map((n) => [n, inputs[n]]))), budget)
      : async (inputs, budget) => ({ value: await load(inputs, budget), stale: false }),
    ...(auth.readiness && { readiness: { [`${target}-login`]: auth.readiness } }),
  };
}
