import { z } from 'zod';
import type { Clock } from '../../clock.js';
import { startBudget, type Budget } from '../../http/budget.js';
import type { HttpClient } from '../../http/client.js';
import { upstream, UpstreamError } from '../../http/errors.js';
import type { RetryPolicy } from '../../http/retry.js';

// Client-credentials tokens for the Genesys Cloud API (docs/contract.md, "Genesys Cloud user"):
// POST {GENESYS_LOGIN_URL}/oauth/token with Basic client auth. The login goes through the same
// transport as every other call (total time including the body, 1 MiB, no redirects, Retry-After),
// not the SDK's axios client (docs/decisions.md). One login serves every caller waiting for it,
// and the token is kept until shortly before `expires_in`.

const TARGET = 'genesys login';
const MAX_REFRESH_MARGIN_MS = 60_000;
/** A token this close to expiry may lapse in flight: wait for the new one instead. */
const EXPIRY_SAFETY_MS = 2_000;
/** After a failed login the next one waits 1 s, 2 s, 4 s ... up to 30 s; callers meanwhile fail at once. */
const LOGIN_BACKOFF_BASE_MS = 1_000;
const LOGIN_BACKOFF_MAX_MS = 30_000;

const tokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() });

export interface LoginSettings {
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  retry: RetryPolicy;
}

export interface TokenSource {
  /** A valid bearer token; waits at most until `budget` ends. */
  get(budget: Budget): Promise<string>;
  /** Forget `token` after the API refused it (a 401), so the next get() logs in again. */
  invalidate(token: string): void;
}

export const loginBackoffMs = (failures: number) =>
  Math.min(LOGIN_BACKOFF_MAX_MS, LOGIN_BACKOFF_BASE_MS * 2 ** (failures - 1));

export function createTokenSource(settings: LoginSettings, deps: { http: HttpClient; clock: Clock }): TokenSource {
  const { http, clock } = deps;
  const authorization = `Basic ${Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64')}`;
  let current: { token: string; refreshAt: number; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;
  let failure: { error: UpstreamError; count: number; retryAt: number } | undefined;

  async function login(): Promise<string> {
    // A shared operation: its own budget, not the first caller's (src/http/budget.ts).
    const budget = startBudget(settings.timeoutMs, clock);
    const started = clock.now();
    try {
      const { body } = await http.requestJson({
        target: TARGET,
        method: 'POST',
        url: `${settings.loginUrl}/oauth/token`,
        headers: { authorization },
        form: { grant_type: 'client_credentials' },
        retry: settings.retry,
        budget,
      });
      const answer = tokenAnswer.safeParse(body);
      if (!answer.success) throw upstream.badResponse(TARGET, 'a token answer without access_token and expires_in');
      const lifetime = answer.data.expires_in * 1000;
      const expiresAt = started + lifetime;
      current = { token: answer.data.access_token, expiresAt, refreshAt: expiresAt - Math.min(MAX_REFRESH_MARGIN_MS, lifetime / 10) };
      failure = undefined;
      return current.token;
    } catch (err) {
      const error = err instanceof UpstreamError ? err : upstream.unreachable(TARGET);
      const count = (failure?.count ?? 0) + 1;
      failure = { error, count, retryAt: clock.now() + loginBackoffMs(count) };
      throw error;
    } finally {
      budget.release();
    }
  }

  return {
    get(budget) {
      const now = clock.now();
      if (current && now < current.refreshAt) return Promise.resolve(current.token);
      // The token in hand serves until it really expires while a refresh runs, or waits, behind it.
      const held = current !== undefined && now < current.expiresAt - EXPIRY_SAFETY_MS ? current.token : undefined;
      if (failure && now < failure.retryAt && pending === undefined) {
        return held !== undefined ? Promise.resolve(held) : Promise.reject(failure.error);
      }
      pending ??= login().finally(() => {
        pending = undefined;
      });
      if (held !== undefined) {
        pending.catch(() => undefined);
        return Promise.resolve(held);
      }
      return budget.race(pending, () => upstream.timeout(TARGET, budget));
    },
    invalidate(token) {
      if (current?.token === token) current = undefined;
    },
  };
}
