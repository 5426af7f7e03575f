// HubSpot CRM v3 search, shaped like its documented answers:
// - https://developers.hubspot.com/docs/api/crm/search (POST /crm/v3/objects/{object}/search with
//   {filterGroups: [{filters: [{propertyName, operator, value}]}], properties, sorts, limit, after};
//   groups are ORed, filters of a group ANDed; the answer is {total, results: [{id, properties,
//   createdAt, updatedAt, archived}], paging: {next: {after, link}}}, every property a string)
// - https://developers.hubspot.com/docs/apps/legacy-apps/authentication/intro-to-auth (a private
//   app's access token as `Authorization: Bearer`)
// - https://developers.hubspot.com/docs/api-reference/error-handling ({status, message,
//   correlationId, category})
// Contacts are found by email, phone or hs_object_id, deals by associations.contact; an email or
// id starting with `missing`, or a phone starting with +999, matches nothing.
import { type Ctx, fakeUuid, notFound, sendJson } from '../http.js';
import { DEFAULT_PROPERTIES, hsContact, hsDeals, type HsObject } from './hubspot-records.js';

const SEARCH = /^\/crm\/v3\/objects\/(contacts|deals)\/search$/;
const MAX_LIMIT = 200;
const PHONE = /^\+?[0-9]{6,15}$/;

type Kind = keyof typeof DEFAULT_PROPERTIES;
interface Filter { propertyName: string; value: string }
interface Search { groups: Filter[][]; properties?: string[]; limit: number; after: number; sort?: [string, number] }

let sequence = 0;
function error(ctx: Ctx, status: number, category: string, message: string): void {
  sendJson(ctx.res, status, { status: 'error', message, correlationId: fakeUuid(`hubspot#${++sequence}`), category });
}

/** The search the body asks for, or the reason HubSpot (or this simulator) refuses it. */
function parse(body: unknown): Search | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object';
  const b = body as Record<string, unknown>;
  const groups = (b.filterGroups ?? []) as { filters?: unknown }[];
  if (!Array.isArray(groups) || groups.length === 0 || groups.length > 5) return 'filterGroups: 1 to 5 groups';
  const parsed: Filter[][] = [];
  for (const group of groups) {
    const filters = group?.filters as Record<string, unknown>[] | undefined;
    if (!Array.isArray(filters) || filters.length === 0 || filters.length > 6) return 'filters: 1 to 6 per group';
    const scalar = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v);
    if (filters.some((f) => typeof f?.propertyName !== 'string' || !scalar(f.value))) {
      return 'each filter needs a propertyName and a value';
    }
    if (filters.some((f) => f.operator !== 'EQ')) return 'the simulated account supports the EQ operator only';
    parsed.push(filters.map((f) => ({ propertyName: f.propertyName as string, value: String(f.value) })));
  }
  const limit = Number(b.limit ?? 10);
  if (typeof (b.limit ?? 10) !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    return `limit: 1 to ${MAX_LIMIT}`;
  }
  const after = b.after === undefined ? 0 : Number(b.after);
  if (!Number.isInteger(after) || after < 0) return 'after: the paging.next.after of the previous page';
  const properties = b.properties as unknown;
  if (properties !== undefined && (!Array.isArray(properties) || properties.some((p) => typeof p !== 'string'))) {
    return 'properties: a list of property names';
  }
  const [sort] = (b.sorts ?? []) as ({ propertyName?: string; direction?: string } | string)[];
  const by: [string, number] | undefined = typeof sort === 'string'
    ? [sort.replace(/^-/, ''), sort.startsWith('-') ? -1 : 1]
    : sort?.propertyName ? [sort.propertyName, sort.direction === 'DESCENDING' ? -1 : 1] : undefined;
  return { groups: parsed, limit, after, ...(properties !== undefined && { properties }), ...(by && { sort: by }) };
}

/** The objects one filter group matches: its key filter finds them, the others must hold. */
function matches(kind: Kind, filters: Filter[], perContact: number): HsObject[] | string {
  const value = (name: string) => filters.find((f) => f.propertyName === name)?.value;
  let found: HsObject[];
  if (kind === 'deals') {
    const contact = value('associations.contact');
    if (contact === undefined) return 'the simulated account finds deals by associations.contact only';
    found = contact.startsWith('missing') ? [] : hsDeals(contact, perContact);
  } else {
    const [email, phone, id] = [value('email'), value('phone'), value('hs_object_id')];
    // A value that cannot be the property's (an email compared with phone) matches nothing.
    if (email !== undefined) found = email.startsWith('missing') || !email.includes('@') ? [] : [hsContact({ email })];
    else if (phone !== undefined) found = phone.startsWith('+999') || !PHONE.test(phone) ? [] : [hsContact({ phone })];
    else if (id !== undefined) found = id.startsWith('missing') ? [] : [hsContact({ id })];
    else return 'the simulated account finds contacts by email, phone or hs_object_id only';
  }
  return found.filter((o) => filters.every((f) => f.propertyName === 'associations.contact'
    || o.properties[f.propertyName] === f.value));
}

export function handleHubspot(ctx: Ctx): void {
  const m = SEARCH.exec(ctx.path);
  if (ctx.method !== 'POST' || !m) return notFound(ctx);
  if (ctx.req.headers.authorization !== `Bearer ${ctx.state.settings.hubspotToken}`) {
    return error(ctx, 401, 'INVALID_AUTHENTICATION', 'Authentication credentials not found. This API supports '
      + 'OAuth 2.0 authentication and you can find more details at '
      + 'https://developers.hubspot.com/docs/methods/auth/oauth-overview');
  }
  const kind = m[1] as Kind;
  const search = ctx.jsonError ? 'the body is not JSON' : parse(ctx.body);
  if (typeof search === 'string') return error(ctx, 400, 'VALIDATION_ERROR', search);
  const all = new Map<string, HsObject>();
  for (const group of search.groups) {
    const found = matches(kind, group, ctx.state.settings.vendorItemsPerCustomer);
    if (typeof found === 'string') return error(ctx, 400, 'VALIDATION_ERROR', found);
    for (const o of found) all.set(o.id, o);
  }
  const rows = [...all.values()];
  if (search.sort) {
    const [name, sign] = search.sort;
    rows.sort((a, b) => sign * String(a.properties[name] ?? '').localeCompare(String(b.properties[name] ?? '')));
  }
  const end = search.after + Math.min(search.limit, ctx.state.settings.vendorPageMax);
  const names = search.properties ?? DEFAULT_PROPERTIES[kind];
  sendJson(ctx.res, 200, {
    total: rows.length,
    results: rows.slice(search.after, end).map((o) => ({
      ...o,
      // A property asked for that the object has no value for comes back as null; an unknown one not at all.
      properties: Object.fromEntries(names.filter((n) => n in o.properties).map((n) => [n, o.properties[n]])),
    })),
    ...(end < rows.length && { paging: { next: { after: String(end), link: `?after=${end}` } } }),
  });
}
