// Genesys Cloud Platform API (api.mypurecloud.com): GET /api/v2/users/{userId}.
// Bodies follow the SDK's `User` model and `ErrorBody` shape so clients parse real-looking data.
import { type Ctx, fakeUuid, hash, notFound, sendJson } from './http.js';
import { bearerValid } from './tokens.js';

const PREFIX = '/api/v2/users/';
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

export function handleUsers(ctx: Ctx): void {
  if (ctx.method !== 'GET' || !ctx.path.startsWith(PREFIX) || ctx.path.length === PREFIX.length) {
    return notFound(ctx);
  }
  const rawId = ctx.path.slice(PREFIX.length);
  if (rawId.includes('/')) return notFound(ctx);

  // Authenticate before anything else, as the real API does.
  if (!bearerValid(ctx.state.tokens, ctx.req.headers.authorization)) {
    return genesysError(ctx, 401, 'bad.credentials', 'Invalid login credentials.');
  }

  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    return genesysError(ctx, 400, 'bad.request', 'The user id is not a valid URL component.');
  }
  if (id.startsWith('missing')) {
    return genesysError(ctx, 404, 'not.found', `The requested user ${id} was not found.`);
  }
  const expand = new Set((ctx.query.expand ?? '').split(',').map((s) => s.trim()));
  sendJson(ctx.res, 200, buildUser(id, expand));
}
