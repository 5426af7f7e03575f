import { z } from 'zod';
import type { Clock } from '../clock.js';
import { startBudget, type Budget } from './budget.js';
import type { HttpClient } from './client.js';
import { upstream, UpstreamError } from './errors.js';
import type { RetryPolicy } from './retry.js';
import type { TraceScope } from '../tracing/types.js';

// OAuth 2.0 client-credentials tokens (RFC 6749 §4.4) for a backend: POST to the token URL through
// the service's transport (bounded including the body, 1 MiB, no redirects, Retry-After), the
// answer validated. One request serves every caller waiting for it; the token is kept until
// shortly before it expires; a failed request is retried no more often than a backoff.

const MAX_REFRESH_MARGIN_MS = 60_000;
/** A token this close to expiry may lapse in flight: wait for the new one instead. */
const EXPIRY_SAFETY_MS = 2_000;
/** After a failure the next request waits 1 s, 2 s, 4 s ... up to 30 s; callers meanwhile fail at once. */
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;

export interface ClientCredentials {
  /** How errors name the token endpoint, e.g. "genesys login". */
  target: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** `basic` (RFC 6749 §2.3.1, the default) or `body` (client_id and client_secret in the form). */
  clientAuth?: 'basic' | 'body';
  /**
   * The token's lifetime when the answer has no `expires_in` (Salesforce sends none); undefined
   * makes `expires_in` required.
   */
  defaultExpiresInSeconds?: number;
  timeoutMs: number;
  retry: RetryPolicy;
}

export interface TokenSource {
  /**
   * `send` with a valid bearer token (waiting for one at most until `budget` ends). A token can be
   * revoked before its expiry (a client secret rotated, an OAuth client changed): after a 401 the
   * token is forgotten and `send` runs once more with a new one; a second 401 means the
   * credentials themselves are refused.
   */
  withToken<T>(budget: Budget, send: (token: string) => Promise<T>): Promise<T>;
  /** Readiness: whether a token can be had within `budget`. */
  ready(budget: Budget): Promise<void>;
}

const tokenBackoffMs = (failures: number) => Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (failures - 1));

export function createTokenSource(settings: ClientCredentials, deps: { http: HttpClient; clock: Clock }): TokenSource {
  const { http, clock } = deps;
  const { target } = settings;
  const answerSchema = z.object({
    access_token: z.string().min(1),
    expires_in: settings.defaultExpiresInSeconds === undefined
      ? z.number().positive()
      : z.number().positive().optional(),
  });
  const form: Record<string, string> = { grant_type: 'client_credentials' };
  if (settings.scope) form.scope = settings.scope;
  const headers: Record<string, string> = {};
  if (settings.clientAuth === 'body') {
    Object.assign(form, { client_id: settings.clientId, client_secret: settings.clientSecret });
  } else {
    const pair = Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64');
    headers.authorization = `Basic ${pair}`;
  }

  let current: { token: string; refreshAt: number; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;
  let failure: { error: UpstreamError; count: number; retryAt: number } | undefined;

  async function request(trace?: TraceScope): Promise<string> {
    // A shared operation: its own budget, not the first caller's (src/http/budget.ts). Traced, it
    // is a span of the first caller's trace, and never sends traceparent: the token endpoint is
    // often another organisation's identity provider (docs/decisions.md, "Tracing").
    const budget = startBudget(settings.timeoutMs, clock, undefined, trace);
    const started = clock.now();
    try {
      const { body } = await http.requestJson({
        target, method: 'POST', url: settings.tokenUrl, headers, form, retry: settings.retry, budget,
      });
      const answer = answerSchema.safeParse(body);
      if (!answer.success) throw upstream.badResponse(target, 'a token answer without access_token and expires_in');
      const lifetime = (answer.data.expires_in ?? settings.defaultExpiresInSeconds ?? 0) * 1000;
      const expiresAt = started + lifetime;
      current = {
        token: answer.data.access_token,
        expiresAt,
        refreshAt: expiresAt - Math.min(MAX_REFRESH_MARGIN_MS, lifetime / 10),
      };
      failure = undefined;
      return current.token;
    } catch (err) {
      // RFC 6749 §5.2: a refused token request (invalid_client, invalid_grant, invalid_scope ...) is a
      // 400 as often as a 401, and always a 400 at Salesforce: credentials or settings to fix, like a 401.
      const error = !(err instanceof UpstreamError) ? upstream.unreachable(target)
        : err.status === 400 ? upstream.refused(target, 400) : err;
      const count = (failure?.count ?? 0) + 1;
      failure = { error, count, retryAt: clock.now() + tokenBackoffMs(count) };
      throw error;
    } finally {
      budget.release();
    }
  }

  /** A valid bearer token; waits at most until `budget` ends. */
  function get(budget: Budget): Promise<string> {
    const now = clock.now();
    if (current && now < current.refreshAt) return Promise.resolve(current.token);
    // The token in hand serves until it really expires while a refresh runs, or waits, behind it.
    const held = current !== undefined && now < current.expiresAt - EXPIRY_SAFETY_MS ? current.token : undefined;
    if (failure && now < failure.retryAt && pending === undefined) {
      return held !== undefined ? Promise.resolve(held) : Promise.reject(failure.error);
    }
    pending ??= request(budget.trace).finally(() => {
      pending = undefined;
    });
    if (held !== undefined) {
      pending.catch(() => undefined);
      return Promise.resolve(held);
    }
    return budget.race(pending, () => upstream.timeout(target, budget));
  }

  return {
    async withToken(budget, send) {
      const token = await get(budget);
      try {
        return await send(token);
      } catch (err) {
        if (!(err instanceof UpstreamError && err.status === 401)) throw err;
        if (current?.token === token) current = undefined;
        return send(await get(budget));
      }
    },
    ready: (budget) => get(budget).then(() => undefined),
  };
}
