import platformClient from 'purecloud-platform-client-v2';
import type { Config } from '../config.js';
import { raceSignal } from '../http/budget.js';
import { upstream, UpstreamError } from '../http/errors.js';

// Client-credentials tokens for the Genesys Cloud API, obtained through the SDK (SPEC §3).
// Genesys allows about 300 requests per minute per token and a login per lookup would burn
// that: the token is kept until shortly before `expires_in`, and one login serves every
// request waiting for it.

const TARGET = 'genesys login';
const MAX_REFRESH_MARGIN_MS = 60_000;
/** A token this close to expiry may lapse in flight: wait for the new one instead. */
const EXPIRY_SAFETY_MS = 2_000;

type GenesysConfig = Config['genesys'] & { clientId: string; clientSecret: string };

/**
 * The SDK builds the token URL as `https://login.<environment>` (ApiClient.loginClientCredentialsGrant)
 * and only its gateway setting (Configuration.getConfUrl) can change scheme, host and port. We set
 * the gateway from GENESYS_LOGIN_URL (default `https://login.<region>`, the same URL), so a proxy
 * or the simulator over plain http works too. Our own ApiClientClass instance, not the SDK's
 * process-wide `ApiClient.instance`, and no config-file watcher (STYLE §4).
 */
function sdkClient(config: GenesysConfig) {
  const client = new platformClient.ApiClientClass();
  client.config.live_reload_config = false;
  client.setEnvironment(config.apiUrl);
  const login = new URL(config.loginUrl);
  client.setGateway({
    protocol: login.protocol.slice(0, -1),
    host: login.hostname,
    port: login.port === '' ? -1 : Number(login.port),
    path_params_login: login.pathname.replace(/\/+$/, ''),
  });
  // The SDK's axios timeout (16 s by default); callers stop waiting at their own budget.
  client.getHttpClient().setTimeout(config.timeoutMs);
  return client;
}

/** axios errors from the SDK, mapped like our own transport's (SPEC §3 status table). */
function loginError(err: unknown, timeoutMs: number): UpstreamError {
  const e = err as { response?: { status?: number; headers?: Record<string, string> }; code?: string };
  const status = e.response?.status;
  if (status === 400 || status === 401 || status === 403) return upstream.refused(TARGET, status);
  if (status === 429) return upstream.rateLimited(TARGET);
  if (status !== undefined) return upstream.status(TARGET, status);
  if (e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT') return upstream.timeout(TARGET, timeoutMs);
  return upstream.unreachable(TARGET);
}

export interface TokenSource {
  /** A valid bearer token; waits at most until `signal` fires. */
  get(signal: AbortSignal, budgetMs: number): Promise<string>;
  /** Forget `token` after the API refused it (a 401), so the next get() logs in again. */
  invalidate(token: string): void;
}

export function createTokenSource(config: GenesysConfig): TokenSource {
  const client = sdkClient(config);
  let current: { token: string; refreshAt: number; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function login(): Promise<string> {
    try {
      const started = Date.now();
      const auth = await client.loginClientCredentialsGrant(config.clientId, config.clientSecret);
      const lifetime = (auth.tokenExpiryTime ?? started) - started;
      const expiresAt = started + lifetime;
      current = { token: auth.accessToken, expiresAt, refreshAt: expiresAt - Math.min(MAX_REFRESH_MARGIN_MS, lifetime / 10) };
      return auth.accessToken;
    } catch (err) {
      throw loginError(err, config.timeoutMs);
    }
  }

  return {
    get(signal, budgetMs) {
      const now = Date.now();
      if (current && now < current.refreshAt) return Promise.resolve(current.token);
      pending ??= login().finally(() => {
        pending = undefined;
      });
      // Refreshing early must not make callers wait, nor fail them while login is slow or down:
      // the token in hand serves until it really expires, and the refresh runs behind them.
      if (current && now < current.expiresAt - EXPIRY_SAFETY_MS) {
        pending.catch(() => undefined);
        return Promise.resolve(current.token);
      }
      return raceSignal(pending, signal, () => upstream.timeout(TARGET, budgetMs));
    },
    invalidate(token) {
      if (current?.token === token) current = undefined;
    },
  };
}
