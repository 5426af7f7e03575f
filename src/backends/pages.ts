import type { Clock } from '../clock.js';
import type { Budget } from '../http/budget.js';
import { upstream, UpstreamError } from '../http/errors.js';
import type { Inputs } from '../sources/definition.js';
import { evaluate, mapFields, type CompiledField, type Expression } from './mapping.js';
import { REMAINING } from './request.js';
import type { ItemsSpec } from './schema.js';
import type { BackendSettings } from './settings.js';

// The pages of a backend that answers a list (docs/backends.md, "Items"): follow a cursor or a
// next link until the limit's worth of items, or until the budget ends, with what came so far.

export interface PageRequest {
  items: ItemsSpec;
  compiled: { read: Expression; fields: CompiledField[]; next?: Expression };
  settings: BackendSettings;
  budget: Budget;
  clock: Clock;
  target: string;
  inputs: Inputs;
  /** The declared request, with a cursor in its query or body after the first page. */
  first(inputs: Inputs, extra?: { query?: Record<string, string>; body?: Record<string, string> }): Promise<unknown>;
  /** A GET of a next link. */
  link(url: string): Promise<unknown>;
  /** The section's own fields from the first page (and its not-found check). */
  head(body: unknown): Promise<Record<string, unknown>>;
}

const DEFAULT_LIMIT = 50;

/** JSONata gives one item as the item itself: a list of one is a list. */
const asList = (value: unknown): unknown[] | undefined =>
  (Array.isArray(value) ? value
    : value === undefined || value === null ? []
      : typeof value === 'object' ? [value] : undefined);

export async function paginate(p: PageRequest): Promise<Record<string, unknown>> {
  const { items, compiled, budget, clock, target, inputs } = p;
  const asked = items.limitInput === undefined ? undefined : Number(inputs[items.limitInput]);
  const limit = asked !== undefined && Number.isInteger(asked) && asked > 0 ? asked : items.max ?? DEFAULT_LIMIT;
  const origin = new URL(p.settings.baseUrl).origin;
  const collected: Record<string, unknown>[] = [];
  let head: Record<string, unknown> | undefined;
  let cursor: string | undefined;
  let lastPageMs = 0;
  let dropped = false;

  const page = (): Promise<unknown> => {
    const filled = { ...inputs, [REMAINING]: limit - collected.length };
    if (cursor === undefined) return p.first(filled);
    if (items.nextLink) return p.link(new URL(cursor, p.settings.baseUrl).href);
    const into = items.nextCursor?.into;
    if (into === undefined) return p.first(filled);
    return p.first(filled, 'query' in into ? { query: { [into.query]: cursor } } : { body: { [into.body]: cursor } });
  };

  do {
    // Stop with what we have rather than start a page the budget cannot see through.
    if (collected.length > 0 && budget.remainingMs() < lastPageMs) break;
    const started = clock.now();
    let body: unknown;
    try {
      body = await page();
    } catch (err) {
      // The budget ended on a later page: the items so far are the answer, with hasMore.
      if (collected.length > 0 && err instanceof UpstreamError && err.code === 'UPSTREAM_TIMEOUT') break;
      throw err;
    }
    lastPageMs = clock.now() - started;
    head ??= await p.head(body);
    const rows = asList(await evaluate(compiled.read, body, target, 'the mapping of items'));
    if (rows === undefined) throw upstream.badResponse(target, 'an answer whose items are not a list');
    const room = limit - collected.length;
    if (rows.length > room) dropped = true;
    for (const row of rows.slice(0, room)) collected.push(await mapFields(compiled.fields, row, target));
    const found = compiled.next && await evaluate(compiled.next, body, target, 'the mapping of the next page');
    const next = typeof found === 'string' && found !== '' ? found : undefined;
    // An empty page or a cursor that does not move would loop until the budget ends; a next link
    // to another origin would carry the credentials there.
    if (next === cursor || (rows.length === 0 && next !== undefined)) break;
    if (next !== undefined && items.nextLink && new URL(next, p.settings.baseUrl).origin !== origin) {
      dropped = true;
      break;
    }
    cursor = next;
  } while (cursor !== undefined && collected.length < limit);
  return { ...head, count: collected.length, hasMore: dropped || cursor !== undefined, items: collected };
}
