import fp from 'fastify-plugin';
import type { RouteOptions } from 'fastify';
import { buildOpenApiDocument, type OpenApiDocument } from './document.js';

/** What the generators need to know about one route, taken from the route table itself. */
export interface CollectedRoute {
  method: string;
  url: string;
  /** How people call it (a data action's name in Genesys), from the route's `config.title`. */
  title?: string;
  /** When it keeps answering (`config.answersDuring`): through the drain, under load shedding. */
  answersDuring?: { drain?: true; shedding?: true };
  schema: {
    body?: unknown;
    response?: Record<string, unknown>;
    summary?: string;
    description?: string;
    hide?: boolean;
  };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route's human name (a data action's name in Genesys). */
    title?: string;
    /**
     * Operational routes keep answering when the service is busiest or leaving, which is when they
     * matter: `drain` while SIGTERM drains (health and readiness), `shedding` under load shedding.
     */
    answersDuring?: { drain?: true; shedding?: true };
  }
  interface FastifyInstance {
    openapi: {
      /** Every route, sorted by URL and method, or in the order they were declared. */
      routes(order?: 'url' | 'declared'): CollectedRoute[];
      document(): OpenApiDocument;
    };
  }
}

function collect(options: RouteOptions): CollectedRoute[] {
  const methods = Array.isArray(options.method) ? options.method : [options.method];
  const schema = (options.schema ?? {}) as CollectedRoute['schema'];
  const title = options.config?.title;
  const answersDuring = options.config?.answersDuring;
  // HEAD twins of GET routes are Fastify's doing (exposeHeadRoutes), not part of the contract.
  return methods.filter((m) => m !== 'HEAD').map((method) => ({
    method: method.toUpperCase(),
    url: options.url,
    schema,
    ...(title && { title }),
    ...(answersDuring && { answersDuring }),
  }));
}

/**
 * Collects every route as it is declared (onRoute), so the OpenAPI document and the Genesys
 * actions follow the routes that exist instead of a hand-kept list. Registered before the
 * route plugins; serves the document at GET /openapi.json, built once on first request.
 */
export default fp(async (app) => {
  const routes: CollectedRoute[] = [];
  let cached: OpenApiDocument | undefined;
  app.addHook('onRoute', (options) => {
    routes.push(...collect(options));
    cached = undefined;
  });

  const sorted = () => [...routes].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
  app.decorate('openapi', {
    routes: (order: 'url' | 'declared' = 'url') => (order === 'url' ? sorted() : [...routes]),
    document: () => (cached ??= buildOpenApiDocument(sorted(), app.config)),
  });

  app.get('/openapi.json', {
    logLevel: 'warn',
    config: { answersDuring: { shedding: true } },
  }, async () => app.openapi.document());
}, { name: 'openapi', dependencies: ['config', 'zod-validation'] });
