// Zendesk Support API, shaped like its documented answers:
// - https://developer.zendesk.com/api-reference/introduction/security-and-auth/ (API token:
//   Basic base64("{email}/token:{api_token}"); otherwise a 401 {"error": "Couldn't authenticate you"})
// - https://developer.zendesk.com/api-reference/ticketing/users/users/#search-users
//   ({users, next_page, previous_page, count})
// - https://developer.zendesk.com/api-reference/ticketing/ticket-management/search/#list-search-results
//   ({results: [{..., result_type}], facets, next_page, previous_page, count}; next_page an absolute URL)
// - https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#list-tickets and
//   https://developer.zendesk.com/api-reference/introduction/pagination/ (with page[size], cursor
//   pages: {tickets, meta: {has_more, after_cursor, before_cursor}, links: {next, prev}})
// Emails or ids starting with `missing`, and phones starting with +999, match nothing; a user id
// that is not a number is a 404 RecordNotFound.
import { basicCredentials, type Ctx, notFound, sendJson } from '../http.js';
import { decodeCursor, encodeCursor } from '../orders.js';
import { linkOrigin, ownOrigin } from './links.js';
import { STATUSES, zdTickets, zdUser, type ZdRecord } from './zendesk-records.js';

const REQUESTED = /^\/api\/v2\/users\/([^/]+)\/tickets\/requested\.json$/;
const MAX_PAGE = 100;

const invalid = (ctx: Ctx, description: string) => sendJson(ctx.res, 400, { error: 'InvalidValue', description });

/** `?query` with `changes`, on the origin links point to. */
function link(ctx: Ctx, changes: Record<string, string>): string {
  const params = new URLSearchParams({ ...ctx.query, ...changes });
  return `${linkOrigin(ctx)}${ctx.path}?${params.toString()}`;
}

/** Rows sorted by `key` (`-key` descending), as `sort` (cursor pages) or `sort_by`/`sort_order` ask. */
function sorted(rows: ZdRecord[], key: string | undefined, descending: boolean): ZdRecord[] | undefined {
  if (key === undefined) return rows;
  if (!['id', 'created_at', 'updated_at', 'status'].includes(key)) return undefined;
  const sign = descending ? -1 : 1;
  return rows.slice().sort((a, b) => sign * String(a[key]).localeCompare(String(b[key]), 'en', { numeric: true }));
}

/** An integer query parameter from 1 to MAX_PAGE, its default when absent, undefined when invalid. */
function count(value: string | undefined, fallback: number): number | undefined {
  const n = value === undefined ? fallback : Number(value);
  return Number.isInteger(n) && n >= 1 && n <= MAX_PAGE ? n : undefined;
}

/** One offset page: the items and Zendesk's absolute next_page/previous_page links. */
function offsetPage(ctx: Ctx, rows: ZdRecord[]) {
  const [page, perPage] = [Number(ctx.query.page ?? 1), count(ctx.query.per_page, MAX_PAGE)];
  if (!Number.isInteger(page) || page < 1 || perPage === undefined) return undefined;
  const size = Math.min(perPage, ctx.state.settings.vendorPageMax);
  return {
    items: rows.slice((page - 1) * size, page * size),
    next_page: page * size < rows.length ? link(ctx, { page: String(page + 1) }) : null,
    previous_page: page > 1 ? link(ctx, { page: String(page - 1) }) : null,
    count: rows.length,
  };
}

function searchUsers(ctx: Ctx): void {
  const text = (ctx.query.query ?? ctx.query.external_id ?? '').trim().replace(/^(email|phone):/, '');
  if (text === '') return invalid(ctx, 'query or external_id is required');
  const origin = ownOrigin(ctx);
  const users = text.startsWith('missing') || text.startsWith('+999') ? []
    : text.includes('@') ? [zdUser({ email: text }, origin)]
      : /^\+?[0-9]{6,15}$/.test(text) ? [zdUser({ phone: text }, origin)] : [];
  sendJson(ctx.res, 200, { users, next_page: null, previous_page: null, count: users.length });
}

/** `status<solved`, `status:open` ... as a test on a ticket's status. */
function statusTest(op: string, status: string): (s: unknown) => boolean {
  const at = (s: unknown) => STATUSES.indexOf(s as (typeof STATUSES)[number]);
  const ref = at(status);
  return op === '<' ? (s) => at(s) < ref : op === '>' ? (s) => at(s) > ref : (s) => at(s) === ref;
}

function searchTickets(ctx: Ctx): void {
  const terms = (ctx.query.query ?? '').trim().split(/\s+/).filter(Boolean);
  let requester: string | undefined;
  const tests: ((s: unknown) => boolean)[] = [];
  for (const term of terms) {
    const who = /^requester:(\S+)$/.exec(term);
    const status = /^status(:|<|>)(\w+)$/.exec(term);
    if (who) requester = who[1];
    else if (status && STATUSES.some((s) => s === status[2])) tests.push(statusTest(status[1]!, status[2]!));
    else if (term !== 'type:ticket') return invalid(ctx, `the simulated search does not understand ${term}`);
  }
  if (!terms.includes('type:ticket') || requester === undefined) {
    return invalid(ctx, 'the simulated search needs type:ticket requester:<id>');
  }
  const { vendorItemsPerCustomer } = ctx.state.settings;
  const all = /^\d{1,15}$/.test(requester) ? zdTickets(Number(requester), vendorItemsPerCustomer, ownOrigin(ctx)) : [];
  const wanted = all.filter((t) => tests.every((test) => test(t.status)));
  const rows = sorted(wanted, ctx.query.sort_by, ctx.query.sort_order !== 'asc');
  const page = rows && offsetPage(ctx, rows);
  if (!page) return invalid(ctx, 'page, per_page (1-100) or sort_by is invalid');
  const { items, ...links } = page;
  sendJson(ctx.res, 200, { results: items.map((t) => ({ ...t, result_type: 'ticket' })), facets: null, ...links });
}

function requestedTickets(ctx: Ctx, rawId: string): void {
  if (!/^\d{1,15}$/.test(rawId)) return sendJson(ctx.res, 404, { error: 'RecordNotFound', description: 'Not found' });
  const all = zdTickets(Number(rawId), ctx.state.settings.vendorItemsPerCustomer, ownOrigin(ctx));
  const cursor = ctx.query['page[size]'] !== undefined || ctx.query['page[after]'] !== undefined;
  if (!cursor) {
    const rows = sorted(all, ctx.query.sort_by, ctx.query.sort_order === 'desc');
    const page = rows && offsetPage(ctx, rows);
    if (!page) return invalid(ctx, 'page, per_page (1-100) or sort_by is invalid');
    const { items, ...links } = page;
    return sendJson(ctx.res, 200, { tickets: items, ...links });
  }
  const sort = ctx.query.sort;
  const rows = sorted(all, sort?.replace(/^-/, ''), sort?.startsWith('-') ?? false);
  const size = count(ctx.query['page[size]'], MAX_PAGE);
  const after = ctx.query['page[after]'];
  const offset = after === undefined ? 0 : decodeCursor(after);
  if (!rows || size === undefined || offset === undefined || ctx.query['page[before]'] !== undefined) {
    return invalid(ctx, 'page[size] (1-100), page[after] or sort is invalid (the simulator pages forward only)');
  }
  const tickets = rows.slice(offset, offset + Math.min(size, ctx.state.settings.vendorPageMax));
  const end = offset + tickets.length;
  // Zendesk sends the cursors and links of every non-empty page, the last one too: has_more says whether to go on.
  const [afterCursor, beforeCursor] = tickets.length > 0 ? [encodeCursor(end), encodeCursor(offset)] : [null, null];
  sendJson(ctx.res, 200, {
    tickets,
    meta: { has_more: end < rows.length, after_cursor: afterCursor, before_cursor: beforeCursor },
    links: {
      next: afterCursor && link(ctx, { 'page[after]': afterCursor }),
      prev: beforeCursor && link(ctx, { 'page[before]': beforeCursor }),
    },
  });
}

export function handleZendesk(ctx: Ctx): void {
  const requested = REQUESTED.exec(ctx.path);
  const known = ctx.path === '/api/v2/users/search.json' || ctx.path === '/api/v2/search.json' || requested;
  if (ctx.method !== 'GET' || !known) return notFound(ctx);
  const c = basicCredentials(ctx.req.headers.authorization);
  const { zendeskEmail, zendeskApiToken } = ctx.state.settings;
  if (c?.id !== `${zendeskEmail}/token` || c.secret !== zendeskApiToken) {
    return sendJson(ctx.res, 401, { error: "Couldn't authenticate you" });
  }
  if (requested) return requestedTickets(ctx, requested[1]!);
  return ctx.path === '/api/v2/search.json' ? searchTickets(ctx) : searchUsers(ctx);
}
