import fp from 'fastify-plugin';
import { errors } from '../errors.js';
import { sendError } from './error-handler.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** True from the moment close() starts: new requests get 503 while in-flight ones finish. */
    readonly isClosing: boolean;
  }
}

/** Graceful drain: once close() starts, new requests get 503 while in-flight ones finish. */
export default fp(async (app) => {
  let closing = false;
  app.decorate('isClosing', { getter: () => closing });
  app.addHook('preClose', async () => {
    closing = true;
  });

  // Callback hooks: they run on every request (docs/decisions.md, "Callback hooks on the hot path").
  app.addHook('onRequest', (request, reply, done) => {
    if (closing && request.routeOptions.config.answersDuring?.drain !== true) {
      reply.header('connection', 'close');
      sendError(reply, errors.shuttingDown());
      return; // answered: the route does not run
    }
    done();
  });

  // A request in flight when close() began is answered on a connection that then closes:
  // otherwise the idle keep-alive socket holds server.close() (and the sink's onClose) until its
  // keep-alive timeout, past SHUTDOWN_TIMEOUT_MS.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
}, { name: 'lifecycle' });
