// Genesys Cloud login (login.mypurecloud.com): OAuth client-credentials grant only.
import { randomBytes } from 'node:crypto';
import { type Ctx, notFound, sendJson } from './http.js';

// Expired tokens are pruned lazily so a long benchmark that logs in often stays bounded.
const PRUNE_ABOVE = 1000;

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+(\S+)$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  return { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

export function handleLogin(ctx: Ctx): void {
  if (ctx.method !== 'POST' || ctx.path !== '/oauth/token') return notFound(ctx);
  const { settings, tokens } = ctx.state;
  const creds = basicCredentials(ctx.req.headers.authorization);
  if (!creds || creds.id !== settings.clientId || creds.secret !== settings.clientSecret) {
    return sendJson(ctx.res, 401, { error: 'invalid_client', description: 'client authentication failed' });
  }
  const body = ctx.body as Record<string, unknown> | undefined;
  if (typeof body !== 'object' || body === null || body.grant_type !== 'client_credentials') {
    return sendJson(ctx.res, 400, { error: 'unsupported_grant_type' });
  }
  const now = Date.now();
  if (tokens.size > PRUNE_ABOVE) {
    for (const [t, exp] of tokens) if (exp <= now) tokens.delete(t);
  }
  const token = randomBytes(24).toString('base64url');
  tokens.set(token, now + settings.tokenTtlSeconds * 1000);
  sendJson(ctx.res, 200, { access_token: token, token_type: 'bearer', expires_in: settings.tokenTtlSeconds });
}
