import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyInstance } from 'fastify';
import { errorBody, errors, type AppError } from '../errors.js';

/**
 * A whole HTTP/1.1 answer with the one error body, written straight to the socket: for errors
 * Node's parser meets before there is a request object to answer through. The connection is
 * closed after it, since the parser's state on it is unknown.
 */
export function writeRawError(socket: Socket, err: AppError) {
  if (!socket.writable) return;
  const body = JSON.stringify(errorBody(err));
  const retryAfter = err.retryAfterSeconds === undefined ? '' : `retry-after: ${err.retryAfterSeconds}\r\n`;
  socket.write(`HTTP/1.1 ${err.statusCode} ${STATUS_CODES[err.statusCode]}\r\n`
    + `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`
    + `${retryAfter}connection: close\r\n\r\n${body}`);
}

/** Node's parser and timeout errors (`HPE_*` codes, llhttp) mapped onto the catalogue. */
function answerFor(err: ConnectionError, timeouts: { headersTimeoutMs: number; requestTimeoutMs: number }) {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return errors.requestTimeout(timeouts.headersTimeoutMs, timeouts.requestTimeoutMs);
    case 'HPE_HEADER_OVERFLOW':
      return errors.headersTooLarge(maxHeaderSize);
    default:
      return errors.malformedRequest(err.code ?? 'unparsable');
  }
}

/** Fastify's clientErrorHandler: bad request lines and headers, 431, and 408 answer in the one error body. */
export function clientErrorHandler(this: FastifyInstance, err: ConnectionError, socket: Socket) {
  // A reset peer has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  this.inboundConnections.refuse(socket, answerFor(err, this.config.connections));
}
