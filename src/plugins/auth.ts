import { hash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { errors } from '../errors.js';

export interface Credentials {
  apiKeyHeader: string;
  apiKeys: string[];
  basic: { user: string; password: string }[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** A non-secret name of the credential that authenticated the request (rate-limit key, logs). */
    principal?: string;
  }
  interface FastifyInstance {
    authenticate: { dataActions: onRequestHookHandler; ingest: onRequestHookHandler };
  }
}

const digest = (s: string) => hash('sha256', s, 'buffer');

/**
 * Compares against every accepted secret in constant time: digests have one length, and the
 * loop never stops early, so neither the position nor the prefix of a match leaks.
 */
function matchIndex(candidate: string, accepted: Buffer[]): number {
  const d = digest(candidate);
  let found = -1;
  for (let i = 0; i < accepted.length; i++) {
    if (timingSafeEqual(d, accepted[i]!) && found === -1) found = i;
  }
  return found;
}

function basicCredential(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header || !/^basic /i.test(header)) return undefined;
  return Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
}

export function authenticator(family: string, creds: Credentials, disabled: boolean): onRequestHookHandler {
  const keys = creds.apiKeys.map(digest);
  const pairs = creds.basic.map((p) => digest(`${p.user}:${p.password}`));
  const users = creds.basic.map((p) => p.user);
  // A callback hook: it runs on every request (docs/decisions.md, "Callback hooks on the hot path").
  return (request, _reply, done) => {
    if (disabled) {
      request.principal = 'anonymous';
      return done();
    }
    const key = request.headers[creds.apiKeyHeader];
    if (typeof key === 'string' && keys.length > 0) {
      const i = matchIndex(key, keys);
      if (i >= 0) {
        request.principal = `${family}:key${i + 1}`;
        return done();
      }
    }
    const basic = basicCredential(request);
    if (basic !== undefined && pairs.length > 0) {
      const i = matchIndex(basic, pairs);
      if (i >= 0) {
        request.principal = `${family}:basic:${users[i]}`;
        return done();
      }
    }
    done(errors.unauthorized());
  };
}

/**
 * Inbound authentication per route family (docs/contract.md, "Authentication"): API keys in a
 * header, or HTTP Basic.
 */
export default fp(async (app) => {
  const { auth } = app.config;
  if (auth.disabled) {
    app.log.warn('AUTH_DISABLED=true: /v1/data-actions/* and /v1/events/* accept requests without credentials');
  }
  app.decorate('authenticate', {
    dataActions: authenticator('data-actions', auth.dataActions, auth.disabled),
    ingest: authenticator('ingest', auth.ingest, auth.disabled),
  });
}, { name: 'auth', dependencies: ['config'] });
