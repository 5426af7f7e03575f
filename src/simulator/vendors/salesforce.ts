// Salesforce, shaped like its documented answers:
// - token: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm&type=5
//   (client credentials: client_id and client_secret in the form or as Basic; the answer has
//   access_token, instance_url, id, token_type, issued_at, signature and scope, and no expires_in;
//   a refusal is a 400 {error, error_description})
// - query: https://developer.salesforce.com/docs/platform/api-rest/guide/resources-query.html and
//   https://developer.salesforce.com/docs/platform/api-rest/guide/dome-query.html
//   ({totalSize, done, records: [{attributes: {type, url}, ...}], nextRecordsUrl} with the rest
//   behind GET nextRecordsUrl,
//   https://developer.salesforce.com/docs/platform/api-rest/guide/resources-query-more-results.html;
//   batches of Sforce-Query-Options' batchSize at most,
//   https://developer.salesforce.com/docs/platform/api-rest/guide/headers-queryoptions.html)
// - errors: https://developer.salesforce.com/docs/platform/api-rest/guide/errorcodes.html
//   ([{message, errorCode}]; a bad or expired token is a 401 INVALID_SESSION_ID)
// Accounts whose Id starts with `missing`, or whose Phone starts with +999, do not exist.
import { createHmac } from 'node:crypto';
import { basicCredentials, type Ctx, notFound, sendJson } from '../http.js';
import type { Settings } from '../state.js';
import { bearerValid, issueToken } from '../tokens.js';
import { linkOrigin, ownOrigin } from './links.js';
import { ACCOUNT_FIELDS, CASE_FIELDS, sfAccount, sfCases, type SfRecord } from './salesforce-records.js';
import { parseSoql, type Soql } from './soql.js';

const QUERY = /^\/services\/data\/(v\d{1,3}\.\d)\/query\/?$/;
const QUERY_MORE = /^\/services\/data\/(v\d{1,3}\.\d)\/query\/([^/]+)$/;
const ORG = '00DSIM0000000001';

interface Failure { status: number; errorCode: string; message: string }

const fail = (ctx: Ctx, f: Failure) => sendJson(ctx.res, f.status, [{ message: f.message, errorCode: f.errorCode }]);
const malformed = (message: string): Failure => ({ status: 400, errorCode: 'MALFORMED_QUERY', message });

function handleToken(ctx: Ctx): void {
  const { settings, salesforceTokens } = ctx.state;
  const form = (typeof ctx.body === 'object' && ctx.body !== null ? ctx.body : {}) as Record<string, unknown>;
  if (form.grant_type !== 'client_credentials') {
    return sendJson(ctx.res, 400, { error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  }
  const basic = basicCredentials(ctx.req.headers.authorization);
  const id = basic?.id ?? form.client_id;
  const secret = basic?.secret ?? form.client_secret;
  if (id !== settings.salesforceClientId) {
    return sendJson(ctx.res, 400, { error: 'invalid_client_id', error_description: 'client identifier invalid' });
  }
  if (secret !== settings.salesforceClientSecret) {
    return sendJson(ctx.res, 400, { error: 'invalid_client', error_description: 'invalid client credentials' });
  }
  const origin = ownOrigin(ctx);
  const identity = `${origin}/id/${ORG}/005SIM0000000001`;
  const issued = String(Date.now());
  sendJson(ctx.res, 200, {
    access_token: issueToken(salesforceTokens, settings.tokenTtlSeconds, `${ORG}!`),
    signature: createHmac('sha256', settings.salesforceClientSecret).update(identity + issued).digest('base64'),
    scope: 'api',
    instance_url: origin,
    id: identity,
    token_type: 'Bearer',
    issued_at: issued,
  });
}

/** The records `soql` selects, before paging. */
function run(soql: Soql, settings: Settings): SfRecord[] | Failure {
  const key = (field: string) => soql.where.find((c) => c.field === field)?.value;
  let all: SfRecord[];
  let known: ReadonlySet<string>;
  if (soql.object === 'Account') {
    const [id, phone] = [key('Id'), key('Phone')];
    if (typeof id === 'string') all = id.startsWith('missing') ? [] : [sfAccount({ Id: id })];
    else if (typeof phone === 'string') all = phone.startsWith('+999') ? [] : [sfAccount({ Phone: phone })];
    else return malformed('the simulated org finds Accounts by Id or Phone only');
    known = ACCOUNT_FIELDS;
  } else if (soql.object === 'Case') {
    const account = key('AccountId');
    if (typeof account !== 'string') return malformed('the simulated org finds Cases by AccountId only');
    all = account.startsWith('missing') ? [] : sfCases(account, settings.vendorItemsPerCustomer);
    known = CASE_FIELDS;
  } else {
    return { status: 400, errorCode: 'INVALID_TYPE', message: `sObject type '${soql.object}' is not supported.` };
  }
  const named = [...soql.fields, ...soql.where.map((c) => c.field), ...(soql.orderBy ? [soql.orderBy.field] : [])];
  const unknown = named.find((f) => !known.has(f));
  if (unknown) {
    const message = `No such column '${unknown}' on entity '${soql.object}'.`;
    return { status: 400, errorCode: 'INVALID_FIELD', message };
  }
  const rows = all.filter((r) => soql.where.every((c) => r[c.field] === c.value));
  const order = soql.orderBy;
  if (order) {
    const sign = order.descending ? -1 : 1;
    rows.sort((a, b) => sign * String(a[order.field] ?? '').localeCompare(String(b[order.field] ?? '')));
  }
  return soql.limit === undefined ? rows : rows.slice(0, soql.limit);
}

// The query locator carries the query and the offset: the simulator keeps no cursor state.
const locator = (q: string, offset: number) => `01g${Buffer.from(q).toString('base64url')}-${offset}`;

function fromLocator(text: string): { q: string; offset: number } | undefined {
  const cut = text.lastIndexOf('-');
  const offset = Number(text.slice(cut + 1));
  if (!text.startsWith('01g') || cut < 0 || !Number.isInteger(offset) || offset < 0) return undefined;
  return { q: Buffer.from(text.slice(3, cut), 'base64url').toString('utf8'), offset };
}

/**
 * Records per batch: Sforce-Query-Options' batchSize (200-2000) is an upper bound Salesforce does not
 * promise to reach; this org's batches are vendorPageMax records at most.
 */
function batchSize(ctx: Ctx): number {
  const asked = /batchSize=(\d+)/.exec(String(ctx.req.headers['sforce-query-options'] ?? ''));
  const size = asked ? Math.min(Math.max(Number(asked[1]), 200), 2_000) : 2_000;
  return Math.min(size, ctx.state.settings.vendorPageMax);
}

function answer(ctx: Ctx, version: string, q: string, offset: number): void {
  const soql = parseSoql(q);
  if (!soql) return fail(ctx, malformed(`unexpected token in: ${q}`));
  const rows = run(soql, ctx.state.settings);
  if (!Array.isArray(rows)) return fail(ctx, rows);
  const end = offset + batchSize(ctx);
  const path = `/services/data/${version}/query/${locator(q, end)}`;
  const origin = ctx.state.settings.vendorLinkOrigin;
  sendJson(ctx.res, 200, {
    totalSize: rows.length,
    done: end >= rows.length,
    ...(end < rows.length && { nextRecordsUrl: origin ? `${linkOrigin(ctx)}${path}` : path }),
    records: rows.slice(offset, end).map((r) => ({
      attributes: { type: soql.object, url: `/services/data/${version}/sobjects/${soql.object}/${String(r.Id)}` },
      ...Object.fromEntries(soql.fields.map((f) => [f, r[f]])),
    })),
  });
}

export function handleSalesforce(ctx: Ctx): void {
  if (ctx.method === 'POST' && ctx.path === '/services/oauth2/token') return handleToken(ctx);
  const query = QUERY.exec(ctx.path);
  const more = QUERY_MORE.exec(ctx.path);
  if (ctx.method !== 'GET' || (!query && !more)) return notFound(ctx);
  if (!bearerValid(ctx.state.salesforceTokens, ctx.req.headers.authorization)) {
    return fail(ctx, { status: 401, errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' });
  }
  if (query) {
    if (!ctx.query.q) return fail(ctx, malformed('A query string has to be specified'));
    return answer(ctx, query[1]!, ctx.query.q, 0);
  }
  const located = fromLocator(more![2]!);
  if (!located) return fail(ctx, { status: 400, errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' });
  answer(ctx, more![1]!, located.q, located.offset);
}
