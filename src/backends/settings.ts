import { z } from 'zod';
import { httpUrl, int, optional, retryFields } from '../env.js';
import type { RetryPolicy } from '../http/retry.js';
import type { AuthSpec, BackendSpec } from './schema.js';
import { resolve } from './variables.js';
import type { RequestTemplate } from './request.js';

// The values of a declared backend that may come from the environment, resolved and checked for
// the configuration in effect (docs/backends.md, "Variables"). A backend whose `baseUrl` reads a
// variable that is not set is not configured: its section answers `skipped`, as an unset
// CRM_BASE_URL always did. Once it is configured, every variable it reads must be set or defaulted.

export type ResolvedAuth =
  | { type: 'none' }
  | { type: 'apiKey'; header: string; value: string }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'oauth2'; tokenUrl: string; clientId: string; clientSecret: string; scope?: string;
    clientAuth?: 'basic' | 'body'; expiresInSeconds?: number };

export interface BackendSettings {
  baseUrl: string;
  auth: ResolvedAuth;
  headers: Record<string, string>;
  request: RequestTemplate;
  timeoutMs: number;
  cacheTtlMs: number;
  retry: RetryPolicy;
}

const values = z.object({
  baseUrl: httpUrl.transform((u) => u.replace(/\/+$/, '')),
  timeoutMs: int(1500, 50, 60_000),
  cacheTtlMs: int(0, 0),
  retry: z.object(retryFields)
    .refine((r) => r.maxMs >= r.baseMs, { error: 'must be >= retry.baseMs', path: ['maxMs'] }),
  tokenUrl: httpUrl.optional(),
  expiresInSeconds: optional(z.coerce.number().int().positive()),
});

/** A place in the file below a backend, e.g. `.retry.maxMs` or `[0]`. */
export const joinPath = (path: PropertyKey[]) =>
  path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');

/**
 * The settings of `spec` (at `at`, e.g. `backends[1]`), or undefined when it is not configured.
 * Problems go to `problems`, named by their place in the file and by the variable they came from.
 */
export function resolveSettings(spec: BackendSpec, at: string, env: NodeJS.ProcessEnv, problems: string[]) {
  const base = resolve(spec.baseUrl, env);
  if (base.unset.length > 0) return { configured: false as const };
  const before = problems.length;
  const resolved = resolve({ ...spec, output: undefined, items: undefined, notFound: undefined }, env);
  for (const name of resolved.unset) {
    problems.push(`${name}: required when ${base.used.join(', ') || `${at}.baseUrl`} is set (${at} reads it)`);
  }
  const r = resolved.value;
  const auth = (r.auth ?? { type: 'none' }) as AuthSpec;
  const parsed = values.safeParse({
    baseUrl: r.baseUrl, timeoutMs: r.timeoutMs, cacheTtlMs: r.cacheTtlMs, retry: r.retry ?? {},
    ...(auth.type === 'oauth2' && { tokenUrl: auth.tokenUrl, expiresInSeconds: auth.expiresInSeconds }),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const inAuth = issue.path[0] === 'tokenUrl' || issue.path[0] === 'expiresInSeconds';
      const where = inAuth ? ['auth', ...issue.path] : issue.path;
      const declared = where.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k], spec);
      const from = resolve(declared, env).used;
      problems.push(from.length > 0
        ? `${from.join(', ')}: ${issue.message} (${at}${joinPath(where)})`
        : `${at}${joinPath(where)}: ${issue.message}`);
    }
  }
  if (!parsed.success || problems.length > before) return undefined;
  const v = parsed.data;
  const settings: BackendSettings = {
    baseUrl: v.baseUrl,
    auth: auth.type === 'oauth2'
      ? { ...auth, tokenUrl: v.tokenUrl ?? auth.tokenUrl, expiresInSeconds: v.expiresInSeconds }
      : auth,
    headers: r.headers ?? {},
    request: r.request as RequestTemplate,
    timeoutMs: v.timeoutMs,
    cacheTtlMs: v.cacheTtlMs,
    retry: v.retry,
  };
  return { configured: true as const, settings };
}
