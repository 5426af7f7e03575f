// Genesys Cloud login (login.mypurecloud.com): OAuth client-credentials grant only.
import { basicCredentials, type Ctx, notFound, sendJson } from './http.js';
import { issueToken } from './tokens.js';

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
  const token = issueToken(tokens, settings.tokenTtlSeconds);
  sendJson(ctx.res, 200, { access_token: token, token_type: 'bearer', expires_in: settings.tokenTtlSeconds });
}
