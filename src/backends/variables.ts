// `${env:NAME}` and `${env:NAME:-default}` in a backends file (docs/backends.md): secrets and
// deployment-specific values come from the environment, never inline in the file.

const REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface Reference {
  name: string;
  default?: string;
}

/** Every reference in the strings of `value`, at any depth. */
export function references(value: unknown): Reference[] {
  const found: Reference[] = [];
  walkStrings(value, (s) => {
    for (const m of s.matchAll(REFERENCE)) found.push({ name: m[1]!, ...(m[2] !== undefined && { default: m[2] }) });
  });
  return found;
}

function walkStrings(value: unknown, visit: (s: string) => void) {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) for (const v of value) walkStrings(v, visit);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) walkStrings(v, visit);
}

export interface Resolved<T> {
  value: T;
  /** Variables the value read, set or defaulted. */
  used: string[];
  /** Variables it read that are neither set nor given a default. */
  unset: string[];
}

/** `value` with every reference replaced by the variable's value, its default, or "" when unset. */
export function resolve<T>(value: T, env: NodeJS.ProcessEnv): Resolved<T> {
  const used: string[] = [];
  const unset: string[] = [];
  const replace = (s: string) => s.replace(REFERENCE, (_all, name: string, fallback: string | undefined) => {
    used.push(name);
    const set = env[name];
    if (set !== undefined && set !== '') return set;
    if (fallback !== undefined) return fallback;
    unset.push(name);
    return '';
  });
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return replace(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { value: walk(value) as T, used: [...new Set(used)], unset: [...new Set(unset)] };
}
