import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply } from 'fastify';
import { AppError, errorBody, errors } from '../errors.js';

/** Fastify's own errors that a client caused, mapped onto our catalogue. */
function fromFastify(err: FastifyError, bodyLimit: number): AppError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.invalidJson();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? errors.unsupportedMediaType() : errors.invalidJson();
  }
  if (err instanceof SyntaxError) return errors.invalidJson();
  if (err.statusCode === 429) return errors.rateLimited(1);
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return errors.badRequest(err.message);
  return undefined;
}

export function sendError(reply: FastifyReply, err: AppError) {
  if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
  return reply.code(err.statusCode).type('application/json; charset=utf-8').send(errorBody(err));
}

/** The one error handler: coded bodies for client errors, 5xx never leak internals. */
export default fp(async (app) => {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = err instanceof AppError
      ? err
      : fromFastify(err, request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit);
    if (known && known.statusCode < 500) return sendError(reply, known);
    if (known) {
      request.log.warn({ code: known.code }, known.message);
      return sendError(reply, known);
    }
    request.log.error({ err }, 'unhandled error');
    return sendError(reply, errors.internal());
  });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, errors.notFound(request.method, request.url.split('?')[0] ?? '')));
}, { name: 'error-handler' });
