import { loadBackends } from '../../src/backends/load.js';
import { serviceVariables } from '../../src/config.js';
import { BUILT_IN_SOURCES } from '../../src/sources/index.js';

/**
 * Every variable the configuration knows, as docs/contract.md's generated table lists them
 * (src/openapi/artifacts.ts): the service's own, then each built-in and default backend's.
 */
export function knownVariables(): Set<string> {
  const sources = [...BUILT_IN_SOURCES, ...loadBackends(undefined, [])];
  return new Set([
    ...Object.keys(serviceVariables),
    ...sources.flatMap((s) => [...Object.keys(s.env), ...(s.variables ?? []).map((v) => v.name)]),
  ]);
}

/** Read by Node itself (the Dockerfile sets them), not by the service's configuration. */
export const RUNTIME_VARIABLES = new Set(['NODE_ENV', 'NODE_OPTIONS']);

/** The variables that hold credentials: never inline in a manifest, a ConfigMap or a log. */
export const isSecret = (name: string) =>
  /(_KEYS|_API_KEY|_SECRET|_BASIC_AUTH|_PASSWORD|_TOKEN)$/.test(name) || ['DATABASE_URL', 'REDIS_URL'].includes(name);
