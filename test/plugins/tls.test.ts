import { X509Certificate } from 'node:crypto';
import { connect } from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { metric } from '../events/helpers.js';
import { handshake, issued, keepAliveClient, listeningApp, selfSigned, tlsFolder } from '../helpers/certificates.js';
import { exchange } from '../helpers/raw-http.js';

type Listening = Awaited<ReturnType<typeof listeningApp>>;
let running: Listening | undefined;
const start = async (...args: Parameters<typeof listeningApp>) => (running = await listeningApp(...args));
/** A client of TLS 1.1 only; its OpenSSL needs security level 0 to offer it at all. */
const TLS_1_1 = { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' } as const;
const shortTimeouts = { HEADERS_TIMEOUT_MS: '200', REQUEST_TIMEOUT_MS: '300' };
afterEach(async () => {
  await running?.app.close();
  running = undefined;
});

describe('the HTTPS listener', () => {
  it('answers a client that trusts its certificate, over TLS 1.2+ and HTTP/1.1, and says so at start', async () => {
    const pair = selfSigned();
    const { port, lines } = await start(tlsFolder(pair).env);
    const client = keepAliveClient(port, { ca: pair.cert });
    const answer = await client.get('/healthz');
    expect(answer).toMatchObject({ status: 200, body: '{"status":"ok"}' });
    expect(['TLSv1.2', 'TLSv1.3']).toContain(answer.socket.getProtocol());
    expect(answer.socket.getPeerCertificate().fingerprint256).toBe(pair.fingerprint);
    client.close();
    // A client offering HTTP/2 first is answered in HTTP/1.1.
    const offered = await handshake(port, { ALPNProtocols: ['h2', 'http/1.1'] });
    expect(offered.alpnProtocol).toBe('http/1.1');
    offered.destroy();
    expect(lines.find((l) => l.msg === 'serving HTTPS'))
      .toMatchObject({ certificate: { fingerprint: pair.fingerprint } });
  });

  it('refuses TLS 1.1 even when Node\'s own minimum is lowered (NODE_OPTIONS=--tls-min-v1.0)', async () => {
    const defaultMin = tls.DEFAULT_MIN_VERSION;
    tls.DEFAULT_MIN_VERSION = 'TLSv1';
    try {
      const { port } = await start(tlsFolder(selfSigned()).env);
      await expect(handshake(port, TLS_1_1)).rejects.toMatchObject({ code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
    } finally {
      tls.DEFAULT_MIN_VERSION = defaultMin;
    }
  });

  it('closes plain HTTP on the HTTPS port and counts failed handshakes by code', async () => {
    const { app, port } = await start(tlsFolder(selfSigned()).env);
    expect(await exchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')).toMatchObject({ status: 0, after: '' });
    await expect(handshake(port, TLS_1_1)).rejects.toThrow();
    await vi.waitFor(async () => {
      expect(await metric(app, 'tls_handshake_failures_total{code="ERR_SSL_HTTP_REQUEST"}')).toBe(1);
      expect(await metric(app, 'tls_handshake_failures_total{code="ERR_SSL_UNSUPPORTED_PROTOCOL"}')).toBe(1);
    });
  });

  it('keeps HEADERS_TIMEOUT_MS over HTTPS: a client stalling its headers gets 408 in the one error body', async () => {
    const { port } = await start({ ...tlsFolder(selfSigned()).env, ...shortTimeouts });
    // Node's own HTTPS default would wait 60 s: past this bound.
    const answer = await Promise.race([
      exchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', {}),
      new Promise((resolve) => setTimeout(() => resolve('still open after 10 s'), 10_000)),
    ]);
    expect(answer).toMatchObject({ status: 408, body: { error: { code: 'REQUEST_TIMEOUT' } }, after: '' });
  });

  it('closes a connection silent before its TLS handshake once HEADERS_TIMEOUT_MS passes', async () => {
    const { port } = await start({ ...tlsFolder(selfSigned()).env, ...shortTimeouts });
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    let closed = false;
    socket.on('close', () => { closed = true; });
    // Node's own TLS default would wait 120 s: past this bound.
    await vi.waitFor(() => expect(closed).toBe(true), { timeout: 10_000 });
  });

  it('exposes when the certificate expires, and warns of an expired one or one without its intermediates', async () => {
    const pair = issued();
    const notAfter = new X509Certificate(pair.cert).validTo;
    const in2100 = { clock: { ...systemClock, wallNow: () => Date.parse('2100-01-01T00:00:00Z') } };
    const { app, lines } = await start(tlsFolder(pair).env, in2100);
    expect(await metric(app, 'tls_certificate_expiry_timestamp_seconds')).toBe(Date.parse(notAfter) / 1000);
    const warnings = lines.filter((l) => l.level === 50).map((l) => l.msg);
    expect(warnings).toEqual([
      `the certificate expired on ${new Date(notAfter).toISOString()}`,
      expect.stringMatching(/^TLS_CERT_FILE holds no intermediate certificate/),
    ]);
    await app.close();
    // The CA's certificate after the server's: a complete chain, valid today.
    const chained = await start(tlsFolder({ ...pair, cert: pair.cert + pair.ca }).env);
    expect(chained.lines.filter((l) => l.level === 50)).toEqual([]);
    const client = keepAliveClient(chained.port, { ca: pair.ca });
    expect(await client.get('/healthz')).toMatchObject({ status: 200 });
    client.close();
  });
});
