import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildTestApp, INGEST_KEY } from '../helpers/app.js';
import { exchange } from '../helpers/raw-http.js';

const errorBody = (code: string) => ({ error: { code, message: expect.any(String), fields: {} } });

// Errors Node's HTTP parser meets before Fastify has a request: they get the one error body too.
describe('parser-level errors and slow clients (a listening service, raw sockets)', () => {
  let app: App;
  let port: number;
  beforeAll(async () => {
    app = await buildTestApp({ REQUEST_TIMEOUT_MS: '400', HEADERS_TIMEOUT_MS: '200' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(() => app.close());

  it('answers a malformed request line or header 400 MALFORMED_REQUEST, then closes the connection', async () => {
    for (const request of ['HELLO WORLD\r\n\r\n', 'GET /healthz HTTP/1.1\r\nHost: x\r\nbad header: v\r\n\r\n']) {
      const answer = await exchange(port, request);
      expect(answer).toMatchObject({ status: 400, body: errorBody('MALFORMED_REQUEST') });
      expect(answer.headers).toMatchObject({ connection: 'close', 'content-type': 'application/json; charset=utf-8' });
    }
  });

  it('answers headers over the size limit 431 HEADERS_TOO_LARGE', async () => {
    const answer = await exchange(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nx-filler: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatchObject({
      status: 431, body: errorBody('HEADERS_TOO_LARGE'), headers: { connection: 'close' },
    });
  });

  it('answers a body that stops arriving 408 REQUEST_TIMEOUT and frees the connection', async () => {
    const stalled = (key: string) => exchange(port, 'POST /v1/events/eventbridge HTTP/1.1\r\nHost: x\r\n'
      + `x-api-key: ${key}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"version":`);
    const [keyed, unkeyed] = await Promise.all([stalled(INGEST_KEY), stalled('wrong')]);
    expect(keyed).toMatchObject({
      status: 408, body: errorBody('REQUEST_TIMEOUT'), headers: { connection: 'close' }, after: '',
    });
    // Refused before its body, and the connection still goes at the request timeout, with nothing after the 401.
    expect(unkeyed).toMatchObject({ status: 401, body: errorBody('UNAUTHORIZED'), after: '' });
  });

  it('closes connections that never finish their headers, or send nothing', async () => {
    const partial = exchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const silent = exchange(port, '');
    expect(await partial).toMatchObject({ status: 408, body: errorBody('REQUEST_TIMEOUT') });
    expect(await silent).toMatchObject({ status: 408, after: '' });
  });

  it('counts what it answered before routing', async () => {
    const text = (await app.inject('/metrics')).body;
    for (const code of ['MALFORMED_REQUEST', 'HEADERS_TOO_LARGE', 'REQUEST_TIMEOUT']) {
      expect(text).toMatch(new RegExp(`^http_client_errors_total\\{code="${code}"\\} [1-9]`, 'm'));
    }
  });
});
