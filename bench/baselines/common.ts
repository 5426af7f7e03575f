// What every baseline shares with the service on purpose: Fastify 5, pino at the same LOG_LEVEL
// with stdout to /dev/null, and one log line per request (the service writes one line too).
// Nothing else: no validation, auth, retry, cache, metrics, rate limit or load shedding.
import Fastify, { type FastifyInstance } from 'fastify';

export function baselineApp(): FastifyInstance {
  const app = Fastify({
    logger: { level: process.env.LOG_LEVEL ?? 'info' },
    disableRequestLogging: true,
    bodyLimit: 1_048_576,
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({
      method: request.method, url: request.url, statusCode: reply.statusCode, responseTimeMs: reply.elapsedTime,
    }, 'request');
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  return app;
}

export async function listen(app: FastifyInstance): Promise<void> {
  await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
