import fp from 'fastify-plugin';
import { createMetrics, type Metrics } from '../metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

/** GET /metrics in Prometheus text format, and the request-duration histogram. */
export default fp(async (app, opts: { metrics?: Metrics }) => {
  const metrics = opts.metrics ?? createMetrics();
  app.decorate('metrics', metrics);

  // A callback hook: it runs on every request (docs/decisions.md, "Callback hooks on the hot path").
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    if (route !== undefined && route !== '/metrics') {
      metrics.httpRequests.observe(
        { method: request.method, route, status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    }
    done();
  });

  app.get('/metrics', { logLevel: 'warn', config: { answersDuring: { shedding: true } } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}, { name: 'metrics' });
