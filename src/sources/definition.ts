import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Budget } from '../http/budget.js';
import type { Breaker } from '../http/circuit.js';
import type { HttpClient } from '../http/client.js';
import type { Metrics } from '../metrics.js';
import { parseVariables } from '../env.js';

// One definition per backend (docs/decisions.md, "A backend is one definition"): what the answer
// calls it, the inputs it reads, its variables, the fields of its section and how to load them.
// The configuration, the fan-out, the route schemas, the routes, OpenAPI and the Genesys actions
// all iterate the definitions; adding a backend is a file and a line in src/sources/index.ts.

/** A value a source answered with; `stale` when it comes from cache past its TTL (backend failing). */
export interface Cached<V> {
  value: V;
  stale: boolean;
}

/** A data-action input a source reads; the schema is shared by every source that reads it. */
export interface SourceInput {
  schema: z.ZodType;
  /** Without it the source is `skipped` ("no <name> in the input"); its own route requires it. */
  required: boolean;
}

export type Inputs = Record<string, unknown>;

/** What each source is built with: shared per app, closed with it. */
export interface SourceContext {
  http: HttpClient;
  metrics: Metrics;
  clock: Clock;
  log: FastifyBaseLogger;
  /** CACHE_MAX_ENTRIES: the bound of every source's cache. */
  cacheMaxEntries: number;
  /** REDIS_URL, when the replicas share state through Redis. */
  redisUrl?: string;
  /** A circuit breaker named after the source (CIRCUIT_* variables). */
  breaker(): Breaker;
}

/** A source built for one app. */
export interface Source<D> {
  /** Answers for one request's inputs under the source's budget, or throws an UpstreamError. */
  load(inputs: Inputs, budget: Budget): Promise<Cached<D>>;
  /** Dependencies /readyz reports by name (e.g. the Genesys login). */
  readiness?: Record<string, (budget: Budget) => Promise<void>>;
  close?(): Promise<void>;
}

/** The part of a definition that the contract shows: names, inputs, the section's fields. */
export interface SourceContract<D extends object = object> {
  /** The section's key in the answer, its value in `include` and its metrics label. */
  name: string;
  /** Its own route: POST /v1/data-actions/<route>. */
  route: string;
  /** How people call it: OpenAPI summaries, Genesys action names. */
  title: string;
  summary: string;
  /** The backend as error texts name it ("crm did not answer within 1500 ms"). */
  target: string;
  inputs: Record<string, SourceInput>;
  /** The section's own fields; every answer carries all of them (`empty` when unknown). */
  data: z.ZodObject;
  empty: D;
}

type EnvOf<E extends z.core.$ZodShape> = z.output<z.ZodObject<E>>;

/** What a backend's file declares; `defineSource` turns it into the definition the app iterates. */
export interface SourceSpec<S, D extends object, E extends z.core.$ZodShape> extends SourceContract<D> {
  /** Its environment variables, validated with the rest of the configuration. */
  env: E;
  /** Rules across its variables, as "NAME: problem" lines; only the variables that parsed are given. */
  check?(env: Partial<EnvOf<E>>): string[];
  /** Its settings from the validated variables, or undefined when it is not configured (`skipped`). */
  settings(env: EnvOf<E>): S | undefined;
  /** The source's budget: its timeout, retries included. */
  timeoutMs(settings: S): number;
  create(settings: S, ctx: SourceContext): Source<D> | Promise<Source<D>>;
}

/** A variable a backend reads, as the configuration's documentation shows it. */
export interface DocumentedVariable {
  name: string;
  default?: string;
  description: string;
}

/** A backend as the configuration, the fan-out, the routes and the generators see it. */
export interface SourceDefinition extends SourceContract {
  /** Its variables by name, validated with the rest of the configuration. */
  readonly env: z.core.$ZodShape;
  /** Variables it reads by other means (a backends file's `${env:NAME}`), for the documentation. */
  readonly variables?: readonly DocumentedVariable[];
  /** Reads its variables from `source`; undefined (and `problems` added to) when they are invalid. */
  configure(source: NodeJS.ProcessEnv, problems: string[]): ConfiguredSource | undefined;
}

/** A definition with its settings bound: what the configuration carries per backend. */
export interface ConfiguredSource {
  contract: SourceContract;
  /** Undefined when its variables leave it unconfigured: the source answers `skipped`. */
  settings: unknown;
  timeoutMs: number;
  start(ctx: SourceContext): Promise<Source<object>> | undefined;
}

export function defineSource<S, D extends object, E extends z.core.$ZodShape>(
  spec: SourceSpec<S, D, E>,
): SourceDefinition {
  return {
    ...spec,
    configure(source, problems) {
      const before = problems.length;
      const env = parseVariables(spec.env, source, problems);
      problems.push(...spec.check?.(env) ?? []);
      if (problems.length > before) return undefined;
      const settings = spec.settings(env as EnvOf<E>);
      return {
        contract: spec,
        settings,
        timeoutMs: settings === undefined ? 0 : spec.timeoutMs(settings),
        start: (ctx) => (settings === undefined ? undefined : Promise.resolve(spec.create(settings, ctx))),
      };
    },
  };
}
