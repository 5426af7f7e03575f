// Genesys Cloud Platform API (api.mypurecloud.com): GET /api/v2/users/{userId} and the bulk
// GET /api/v2/users?id=…&id=…, under the OAuth client's per-minute limit when one is set.
// Bodies follow the SDK's `User`, `UserEntityListing` and `ErrorBody` shapes so clients parse real-looking data.
import { type Ctx, fakeUuid, hash, notFound, sendJson } from './http.js';
import { bearerValid } from './tokens.js';

const LIST = '/api/v2/users';
const PREFIX = '/api/v2/users/';
const MAX_BULK_IDS = 100;
// The id Genesys uses for the system "Available" presence definition.
const AVAILABLE_ID = '6a3af858-942f-489d-9700-5f9bcdcdae9b';
const EPOCH_2024 = Date.UTC(2024, 0, 1);

// Counter-based context ids: unique enough for logs, and no crypto on the hot path.
let contextSeq = 0;

function genesysError(ctx: Ctx, status: number, code: string, message: string): void {
  sendJson(ctx.res, status, {
    message,
    code,
    status,
    messageParams: {},
    contextId: `sim-${(++contextSeq).toString(16).padStart(8, '0')}`,
    details: [],
    errors: [],
  });
}

export function buildUser(id: string, expand: ReadonlySet<string>): Record<string, unknown> {
  const h = hash(id);
  // Deterministic timestamps within 2024 so repeated calls give identical bodies.
  const stamp = new Date(EPOCH_2024 + (h % 31_536_000) * 1000).toISOString();
  const divisionId = fakeUuid('division-home');
  const user: Record<string, unknown> = {
    id,
    name: `Agent ${id}`,
    division: { id: divisionId, name: 'Home', selfUri: `/api/v2/authorization/divisions/${divisionId}` },
    chat: { jabberId: `${h.toString(16)}@sim.orgspan.com` },
    department: 'Support',
    email: `${id}@example.com`,
    primaryContactInfo: [{ address: `${id}@example.com`, mediaType: 'EMAIL', type: 'PRIMARY' }],
    addresses: [],
    state: 'active',
    title: 'Senior Agent',
    username: `${id}@example.com`,
    version: 1,
    acdAutoAnswer: false,
    selfUri: `/api/v2/users/${encodeURIComponent(id)}`,
  };
  if (expand.has('presence')) {
    user.presence = {
      source: 'PURECLOUD',
      presenceDefinition: { id: AVAILABLE_ID, systemPresence: 'Available' },
      message: '',
      modifiedDate: stamp,
    };
  }
  if (expand.has('routingStatus')) {
    user.routingStatus = { userId: id, status: 'IDLE', startTime: stamp };
  }
  return user;
}

/** Every id is a user, except those starting with "missing" and those deleted since the last reset. */
const exists = (ctx: Ctx, id: string) => !id.startsWith('missing') && !ctx.state.deletedUsers.has(id);

/** The listing of GET /api/v2/users?id=…&id=… (the SDK's UserEntityListing): the known users asked for, paged. */
function handleBulk(ctx: Ctx): void {
  const params = new URLSearchParams((ctx.req.url ?? '').split('?')[1] ?? '');
  // The SDK sends collections as repeated parameters; a comma-separated list is read the same way.
  const list = (name: string) => params.getAll(name).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  const ids = [...new Set(list('id'))];
  if (ids.length > MAX_BULK_IDS) {
    return genesysError(ctx, 400, 'bad.request', `At most ${MAX_BULK_IDS} ids may be requested at once.`);
  }
  const pageSize = Number(params.get('pageSize') ?? 25);
  const pageNumber = Number(params.get('pageNumber') ?? 1);
  const valid = Number.isInteger(pageSize) && Number.isInteger(pageNumber) && pageNumber >= 1;
  if (!valid || pageSize < 1 || pageSize > 500) {
    return genesysError(ctx, 400, 'bad.request', 'pageSize must be 1-500 and pageNumber >= 1.');
  }
  const expand = new Set(ctx.state.settings.bulkPresence ? list('expand') : []);
  const known = ids.filter((id) => exists(ctx, id));
  const entities = known.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map((id) => buildUser(id, expand));
  const pageCount = Math.ceil(known.length / pageSize);
  const uri = (page: number) => `/api/v2/users?pageSize=${pageSize}&pageNumber=${page}`;
  sendJson(ctx.res, 200, {
    entities, pageSize, pageNumber, total: known.length, pageCount,
    firstUri: uri(1), selfUri: uri(pageNumber), lastUri: uri(Math.max(1, pageCount)),
    ...(pageNumber < pageCount && { nextUri: uri(pageNumber + 1) }),
  });
}

export function handleUsers(ctx: Ctx): void {
  const bulk = ctx.path === LIST;
  if (ctx.method !== 'GET' || (!bulk && (!ctx.path.startsWith(PREFIX) || ctx.path.length === PREFIX.length))) {
    return notFound(ctx);
  }
  const rawId = ctx.path.slice(PREFIX.length);
  if (!bulk && rawId.includes('/')) return notFound(ctx);

  // Authenticate before anything else, as the real API does.
  if (!bearerValid(ctx.state.tokens, ctx.req.headers.authorization)) {
    return genesysError(ctx, 401, 'bad.credentials', 'Invalid login credentials.');
  }
  const retryAfter = ctx.state.apiLimit.admit();
  if (retryAfter !== undefined) {
    ctx.res.setHeader('retry-after', String(retryAfter));
    const limit = ctx.state.settings.apiRateLimitPerMinute;
    const message = `Rate limit exceeded the maximum. [${limit}] requests for [60] seconds`;
    return genesysError(ctx, 429, 'too.many.requests', message);
  }
  if (bulk) return handleBulk(ctx);

  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    return genesysError(ctx, 400, 'bad.request', 'The user id is not a valid URL component.');
  }
  if (!exists(ctx, id)) {
    return genesysError(ctx, 404, 'not.found', `The requested user ${id} was not found.`);
  }
  const expand = new Set((ctx.query.expand ?? '').split(',').map((s) => s.trim()));
  sendJson(ctx.res, 200, buildUser(id, expand));
}
