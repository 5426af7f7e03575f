import { z } from 'zod';
import type { RetryPolicy } from './http/retry.js';

// Schemas of single environment variables, shared by src/config.ts and the backends' definitions.

/** Empty strings in the environment mean "unset", as they do for most twelve-factor tools. */
export const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** An integer variable, undefined when unset (a default computed later). */
export const optionalInt = (min: number, max = Number.MAX_SAFE_INTEGER) => {
  const error = max === Number.MAX_SAFE_INTEGER
    ? `must be an integer >= ${min}`
    : `must be an integer from ${min} to ${max}`;
  return optional(z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }));
};

export const int = (def: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  optionalInt(min, max).transform((v) => v ?? def);

export const text = optional(z.string());

export const list = optional(z.string()).transform((v) =>
  (v ?? '').split(',').map((s) => s.trim()).filter(Boolean));

export const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
export const url = optional(httpUrl);

export const bool = optional(z.enum(['true', 'false'])).transform((v) => v === 'true');

type RetryNames<P extends string> = `${P}_RETRY_ATTEMPTS` | `${P}_RETRY_BASE_MS` | `${P}_RETRY_MAX_MS`;
type RetryEnv<P extends string> = Record<RetryNames<P>, number>;

/** A retry policy's numbers, from variables or a backends file: defaults that fit a 1.5 s budget with two retries. */
export const retryFields = { attempts: int(3, 1, 10), baseMs: int(100, 100), maxMs: int(1000, 100) };

/** `<PREFIX>_RETRY_ATTEMPTS/_BASE_MS/_MAX_MS`. */
export const retryVariables = <P extends string>(prefix: P) => ({
  [`${prefix}_RETRY_ATTEMPTS`]: retryFields.attempts.meta({ description: 'attempts per call, 1-10' }),
  [`${prefix}_RETRY_BASE_MS`]: retryFields.baseMs.meta({ description: 'backoff base (full jitter), >= 100' }),
  [`${prefix}_RETRY_MAX_MS`]: retryFields.maxMs.meta({ description: 'backoff cap, >= the base' }),
}) as Record<RetryNames<P>, ReturnType<typeof int>>;

export const retryPolicy = <P extends string>(env: RetryEnv<P>, prefix: P): RetryPolicy => ({
  attempts: env[`${prefix}_RETRY_ATTEMPTS`],
  baseMs: env[`${prefix}_RETRY_BASE_MS`],
  maxMs: env[`${prefix}_RETRY_MAX_MS`],
});

export function retryProblems<P extends string>(env: Partial<RetryEnv<P>>, prefix: P): string[] {
  const base = env[`${prefix}_RETRY_BASE_MS`];
  const max = env[`${prefix}_RETRY_MAX_MS`];
  return base !== undefined && max !== undefined && max < base
    ? [`${prefix}_RETRY_MAX_MS: must be >= ${prefix}_RETRY_BASE_MS (${base})`] : [];
}

/** Each variable of `shape` parsed on its own, so that one message can list every problem. */
export function parseVariables<E extends z.core.$ZodShape>(shape: E, source: NodeJS.ProcessEnv, problems: string[]) {
  const env: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(shape)) {
    const parsed = (schema as z.ZodType).safeParse(source[name]);
    if (parsed.success) env[name] = parsed.data;
    else problems.push(...parsed.error.issues.map((i) => `${name}: ${i.message}`));
  }
  return env as Partial<z.output<z.ZodObject<E>>>;
}
