import { z } from 'zod';
import { customerId } from '../sources/fields.js';
import type { SourceContract, SourceInput } from '../sources/definition.js';

// The data-action contract (docs/contract.md, "Data actions"), built from the backends'
// definitions: route validation, the OpenAPI document and the Genesys input/output contracts all
// come from these schemas. Outputs are flat enough for a Genesys output contract: every field
// always present, never null, and no array inside an array.

export const SOURCE_STATUSES = [
  'ok', 'not_found', 'timeout', 'rate_limited', 'unavailable', 'error', 'skipped',
] as const;
export type SourceStatus = (typeof SOURCE_STATUSES)[number];

const text = (description: string, example: string) => z.string().meta({ description, example });

const outcome = {
  status: z.enum(SOURCE_STATUSES)
    .meta({ description: 'What the source did (docs/contract.md, "Source statuses")', example: 'ok' }),
  error: text('Short reason when status is not ok, else empty', ''),
  stale: z.boolean().meta({ description: 'Served from cache past its TTL because the backend failed', example: false }),
};

const envelope = (sources: readonly SourceContract[]) => ({
  customerId: text('The customerId of the input (empty when absent)', 'c-123'),
  complete: z.boolean().meta({ description: 'True when no requested source failed', example: true }),
  failedSources: text(
    `Requested sources whose status is not ok or skipped, comma-separated, in the order ${names(sources)}`, ''),
  latencyMs: z.int().meta({ description: 'Time the service spent on the request', example: 41 }),
});

const names = (sources: readonly SourceContract[]) => sources.map((s) => s.name).join(',');

export const sectionSchema = (source: SourceContract) =>
  z.object({ ...outcome, ...source.data.shape }).meta({ description: source.summary });

/** One schema per input name: two backends reading `customerId` read the same input. */
function inputShape(sources: readonly SourceContract[], requiredOf: (input: SourceInput) => boolean) {
  const shape: Record<string, z.ZodType> = {};
  const seen = new Map<string, z.ZodType>();
  for (const source of sources) {
    for (const [name, input] of Object.entries(source.inputs)) {
      const other = seen.get(name);
      if (other !== undefined && other !== input.schema) {
        throw new Error(`input ${name} is declared by two backends with different schemas`);
      }
      seen.set(name, input.schema);
      if (shape[name] === undefined || requiredOf(input)) {
        shape[name] = requiredOf(input) ? input.schema : input.schema.optional();
      }
    }
  }
  return shape;
}

function includeSchema(sources: readonly SourceContract[]) {
  const all = sources.map((s) => s.name);
  const rule = `must be a comma-separated subset of ${all.join(',')}`;
  const parts = (v: string) => v.split(',').map((p) => p.trim());
  // "" is how a Genesys template renders an unset variable: it means the default, all sources.
  return z.string({ error: rule })
    .refine((v) => v === '' || parts(v).every((p) => all.includes(p)), { error: rule })
    .transform((v) => (v === '' ? all : all.filter((s) => parts(v).includes(s))))
    .meta({
      description: `Sources to fetch, comma-separated subset of ${all.join(',')} (default: all)`,
      example: all.slice(0, 2).join(','),
    });
}

export interface DataActionSchemas {
  /** The route's slug under /v1/data-actions. */
  name: string;
  title: string;
  summary: string;
  input: z.ZodObject;
  output: z.ZodObject;
  /** The sections of the answer, in answer order. */
  sections: readonly SourceContract[];
}

const listed = (words: string[]) =>
  (words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`);

/** A backend's own inputs, and the customerId it echoes when it does not read it. */
function ownInputs(source: SourceContract) {
  const shape = inputShape([source], (i) => i.required);
  return { ...shape, ...(shape.customerId === undefined && { customerId: customerId.optional() }) };
}

/** The aggregate first, then one route per backend answering the same object restricted to it. */
export function dataActionSchemas(sources: readonly SourceContract[]): DataActionSchemas[] {
  const sectionsOf = (list: readonly SourceContract[]) =>
    Object.fromEntries(list.map((s) => [s.name, sectionSchema(s)]));
  const titles = listed(sources.map((s) => s.title));
  const aggregate: DataActionSchemas = {
    name: 'customer-context',
    title: 'Customer Context',
    summary: `${titles} of a customer, fetched concurrently`,
    // customerId anchors the aggregate; every other input is optional there.
    input: z.object({ customerId, ...inputShape(sources, () => false), include: includeSchema(sources).optional() })
      .extend({ customerId })
      .meta({ description: 'Input of the customer-context data action' }),
    output: z.object({ ...envelope(sources), ...sectionsOf(sources) })
      .meta({ description: `Customer context: ${titles}` }),
    sections: sources,
  };
  return [aggregate, ...sources.map((source): DataActionSchemas => ({
    name: source.route,
    title: source.title,
    summary: source.summary,
    input: z.object(ownInputs(source)).meta({ description: `Input of the ${source.route} data action` }),
    output: z.object({ ...envelope(sources), ...sectionsOf([source]) }).meta({ description: source.summary }),
    sections: [source],
  }))];
}
