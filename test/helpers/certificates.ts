import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { buildApp, type AppOverrides } from '../../src/app.js';
import { capturingLogger } from './app.js';

/** A certificate and its key, as PEM, with the fingerprint a client sees. */
export interface Pair { cert: string; key: string; fingerprint: string }

const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const SAN = 'subjectAltName=DNS:localhost,IP:127.0.0.1';

function pairIn(dir: string): Pair {
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const key = readFileSync(join(dir, 'key.pem'), 'utf8');
  return { cert, key, fingerprint: new X509Certificate(cert).fingerprint256 };
}

const P256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];

/** A self-signed certificate for localhost and 127.0.0.1, made by openssl (P-256 keys unless `newKey` says). */
export function selfSigned(name = 'localhost', newKey = P256): Pair {
  const dir = mkdtempSync(join(tmpdir(), 'gdas-cert-'));
  openssl('req', '-x509', ...newKey, '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-addext', SAN,
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'));
  return pairIn(dir);
}

/** A certificate issued by a certificate authority of its own, as a public CA issues one; `ca` is its root. */
export function issued(): Pair & { ca: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gdas-ca-'));
  const at = (f: string) => join(dir, f);
  openssl('req', '-x509', ...P256, '-nodes', '-days', '2', '-subj', '/CN=Test Root',
    '-keyout', at('ca-key.pem'), '-out', at('ca.pem'));
  openssl('req', '-new', ...P256, '-nodes', '-subj', '/CN=localhost', '-addext', SAN,
    '-keyout', at('key.pem'), '-out', at('csr.pem'));
  openssl('x509', '-req', '-in', at('csr.pem'), '-CA', at('ca.pem'), '-CAkey', at('ca-key.pem'), '-CAcreateserial',
    '-days', '2', '-copy_extensions', 'copy', '-out', at('cert.pem'));
  return { ...pairIn(dir), ca: readFileSync(at('ca.pem'), 'utf8') };
}

/** Files as an operator keeps them: `tls.crt` and `tls.key` in a folder of their own. */
export function tlsFolder(pair: Pair) {
  const dir = mkdtempSync(join(tmpdir(), 'gdas-tls-'));
  const files = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') };
  writeFileSync(files.certFile, pair.cert);
  writeFileSync(files.keyFile, pair.key, { mode: 0o600 });
  const env = { TLS_CERT_FILE: files.certFile, TLS_KEY_FILE: files.keyFile };
  return { dir, files, env };
}

/**
 * Files given to the service as symlinks into another folder, whose files `changeInPlace`
 * rewrites: a change that no watch of the symlinks' folder sees.
 */
export function linkedFiles(pair: Pair) {
  const target = tlsFolder(pair);
  const links = mkdtempSync(join(tmpdir(), 'gdas-links-'));
  symlinkSync(target.files.certFile, join(links, 'tls.crt'));
  symlinkSync(target.files.keyFile, join(links, 'tls.key'));
  return {
    env: { TLS_CERT_FILE: join(links, 'tls.crt'), TLS_KEY_FILE: join(links, 'tls.key') },
    changeInPlace(next: Pair) {
      writeFileSync(target.files.certFile, next.cert);
      writeFileSync(target.files.keyFile, next.key);
    },
  };
}

/** Replaces a file the way editors and `mv` do: a new file renamed over the old one (a new inode). */
export function renameOver(path: string, content: string) {
  writeFileSync(`${path}.tmp`, content);
  renameSync(`${path}.tmp`, path);
}

/**
 * A folder laid out as kubelet mounts a Secret: `tls.crt` -> `..data/tls.crt`, `..data` -> a
 * timestamped folder. `update` writes a new timestamped folder and swaps the `..data` symlink
 * by a rename, then removes the old folder, as kubelet's atomic writer does.
 */
export function secretVolume(pair: Pair) {
  const dir = mkdtempSync(join(tmpdir(), 'gdas-secret-'));
  let generation = 0;
  const write = (p: Pair) => {
    const name = `..2026_01_01_00_00_0${generation++}`;
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'tls.crt'), p.cert);
    writeFileSync(join(dir, name, 'tls.key'), p.key);
    return name;
  };
  let current = write(pair);
  symlinkSync(current, join(dir, '..data'));
  symlinkSync('..data/tls.crt', join(dir, 'tls.crt'));
  symlinkSync('..data/tls.key', join(dir, 'tls.key'));
  return {
    env: { TLS_CERT_FILE: join(dir, 'tls.crt'), TLS_KEY_FILE: join(dir, 'tls.key') },
    update(next: Pair) {
      const previous = current;
      current = write(next);
      symlinkSync(current, join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
      rmSync(join(dir, previous), { recursive: true });
    },
  };
}

/** A new TLS connection to 127.0.0.1:port (servername localhost), resolved once the handshake is done. */
export function handshake(port: number, options: ConnectionOptions = {}): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false, ...options });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** The fingerprint of the certificate a new connection gets. */
export async function servedFingerprint(port: number) {
  const socket = await handshake(port);
  const fingerprint = socket.getPeerCertificate().fingerprint256;
  socket.destroy();
  return fingerprint;
}

/**
 * One keep-alive connection (an agent of one socket) for GET requests: each answer says which
 * socket carried it and the certificate that socket was served.
 */
export function keepAliveClient(port: number, options: { ca?: string } = {}) {
  const trust = options.ca ? { ca: options.ca } : { rejectUnauthorized: false };
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ...trust });
  const get = (path: string) => new Promise<{ status: number; body: string; socket: TLSSocket }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, servername: 'localhost', agent }, (res) => {
      const socket = res.socket as TLSSocket; // the agent takes it back at the end
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode!, body, socket }));
    });
    req.on('error', reject);
    req.end();
  });
  return { get, close: () => agent.destroy() };
}

/** The service built with `env` (TLS files among it), listening on a free loopback port, its log lines captured. */
export async function listeningApp(env: Record<string, string>, overrides: AppOverrides = {}) {
  const log = capturingLogger(env);
  const app = await buildApp(log.config, { logger: log.logger, ...overrides });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { app, port, lines: log.lines, raw: log.raw };
}
