import fp from 'fastify-plugin';
import { errors } from '../errors.js';
import { sendError } from './error-handler.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** True from the moment close() starts: new requests get 503 while in-flight ones finish. */
    readonly isClosing: boolean;
  }
}

const HEALTH = new Set(['/healthz', '/readyz']);

/** Graceful drain and the one log line per request that SPEC §5 asks for. */
export default fp(async (app) => {
  let closing = false;
  app.decorate('isClosing', { getter: () => closing });
  app.addHook('preClose', async () => {
    closing = true;
  });

  app.addHook('onRequest', async (request, reply) => {
    if (closing && !HEALTH.has(request.url)) {
      reply.header('connection', 'close');
      return sendError(reply, errors.shuttingDown());
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const level = reply.statusCode >= 500 ? 'error' : 'info';
    request.log[level]({
      method: request.method,
      route: request.routeOptions.url ?? 'unknown',
      url: request.url,
      statusCode: reply.statusCode,
      responseTimeMs: Math.round(reply.elapsedTime * 10) / 10,
      principal: request.principal,
    }, 'request');
  });
}, { name: 'lifecycle' });
