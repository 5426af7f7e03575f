import { connect } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';

/** What came back on a raw connection: the first answer (status 0 if none), and any bytes after it. */
export interface RawAnswer { status: number; headers: Record<string, string>; body: unknown; after: string }

function parse(raw: string): RawAnswer {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: undefined, after: raw };
  const [statusLine = '', ...lines] = raw.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => {
    const colon = l.indexOf(':');
    return [l.slice(0, colon).toLowerCase(), l.slice(colon + 1).trim()];
  }));
  const body = raw.slice(end + 4, end + 4 + Number(headers['content-length'] ?? 0));
  const status = Number(statusLine.split(' ')[1]);
  return { status, headers, body: body ? JSON.parse(body) : undefined, after: raw.slice(end + 4 + body.length) };
}

/**
 * Writes `data` on a fresh connection, as a hostile or broken client would, and resolves once the
 * service closes the connection (a reset counts as closed) with what it answered. With `tls`, the
 * connection is a TLS one and `data` goes once the handshake is done.
 */
export function exchange(port: number, data: string, tls?: ConnectionOptions): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = tls
      ? connectTls({ host: '127.0.0.1', port, rejectUnauthorized: false, ...tls }, () => socket.write(data))
      : connect(port, '127.0.0.1', () => socket.write(data));
    let raw = '';
    socket.on('data', (d) => { raw += d; });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(parse(raw)));
  });
}
