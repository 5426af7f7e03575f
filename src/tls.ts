import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { ConfigError } from './config.js';

// The service's own HTTPS listener (docs/operations.md, "HTTPS"): the certificate and key files it serves,
// read and checked as a pair, at start and at every reload.

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/**
 * Genesys Cloud and AWS (EventBridge API destinations) accept TLS 1.2 and 1.3. Pinned here rather
 * than left to Node's default, which `--tls-min-v1.0` in NODE_OPTIONS would lower.
 */
const MIN_VERSION = 'TLSv1.2';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----/g;

/**
 * A checked certificate and key pair. The PEM bytes sit in private fields: logging or serialising
 * the object shows what identifies the certificate, never the key.
 */
export class CertificatePair {
  readonly #cert: Buffer;
  readonly #key: Buffer;
  /** SHA-256 fingerprint of the server certificate (the first of the file), as clients see it. */
  readonly fingerprint: string;
  readonly subject: string;
  readonly notAfter: Date;
  readonly notBefore: Date;
  /** Certificates in TLS_CERT_FILE: the server certificate and the intermediates served after it. */
  readonly chainLength: number;
  readonly selfSigned: boolean;

  constructor(cert: Buffer, key: Buffer, x509: X509Certificate) {
    this.#cert = cert;
    this.#key = key;
    this.fingerprint = x509.fingerprint256;
    this.subject = x509.subject.replaceAll('\n', ', ');
    this.notAfter = new Date(x509.validTo);
    this.notBefore = new Date(x509.validFrom);
    this.chainLength = cert.toString('latin1').match(PEM_CERTIFICATE)?.length ?? 0;
    this.selfSigned = x509.checkIssued(x509);
  }

  /** What `https.createServer` and `server.setSecureContext` take. */
  secureContextOptions(): SecureContextOptions {
    return { cert: this.#cert, key: this.#key, minVersion: MIN_VERSION };
  }

  /** Whether both files still hold the same bytes. */
  sameAs(other: CertificatePair) {
    return this.#cert.equals(other.#cert) && this.#key.equals(other.#key);
  }

  /** What the logs say about the certificate served. */
  describe() {
    return { fingerprint: this.fingerprint, subject: this.subject, notAfter: this.notAfter.toISOString() };
  }
}

/**
 * Runs `step`; if it throws, records `problem` with the error's code. Only the code: an OpenSSL
 * message names what it could not parse, and the code is all an operator needs.
 */
function attempt<T>(step: () => T, problem: string, problems: string[]): T | undefined {
  try {
    return step();
  } catch (err) {
    problems.push(`${problem} (${(err as NodeJS.ErrnoException).code ?? (err as Error).name})`);
    return undefined;
  }
}

/**
 * Reads TLS_CERT_FILE and TLS_KEY_FILE and checks that they make a pair OpenSSL can serve. Each
 * problem names its variable and file; none quotes the files' content.
 */
export function readCertificatePair({ certFile, keyFile }: TlsFiles, problems: string[]): CertificatePair | undefined {
  const found: string[] = [];
  const cert = attempt(() => readFileSync(certFile), `TLS_CERT_FILE: cannot read ${certFile}`, found);
  const key = attempt(() => readFileSync(keyFile), `TLS_KEY_FILE: cannot read ${keyFile}`, found);
  const x509 = cert
    && attempt(() => new X509Certificate(cert), `TLS_CERT_FILE: ${certFile} holds no PEM certificate`, found);
  const privateKey = key
    && attempt(() => createPrivateKey(key), `TLS_KEY_FILE: ${keyFile} holds no unencrypted PEM private key`, found);
  if (x509 && privateKey && !x509.checkPrivateKey(privateKey)) {
    found.push(`TLS_KEY_FILE: ${keyFile} is not the key of the certificate in TLS_CERT_FILE `
      + '(the file must start with the server certificate, its intermediates after it)');
  }
  if (found.length === 0 && cert && key && x509) {
    const pair = new CertificatePair(cert, key, x509);
    // What OpenSSL itself refuses (a key type it cannot serve, a broken chain entry) is caught here, not at listen.
    const served = attempt(() => createSecureContext(pair.secureContextOptions()),
      'TLS_CERT_FILE: OpenSSL refuses to serve it with TLS_KEY_FILE', found);
    if (served) return pair;
  }
  problems.push(...found);
  return undefined;
}

/** The pair the service starts with: its problems stop the start like any configuration problem (exit 78). */
export function loadCertificatePair(files: TlsFiles): CertificatePair {
  const problems: string[] = [];
  const pair = readCertificatePair(files, problems);
  if (!pair) throw new ConfigError(problems);
  return pair;
}

/** What an operator should hear about a pair that works but will not satisfy Genesys or AWS. */
export function pairWarnings(pair: CertificatePair, now: number): string[] {
  const warnings: string[] = [];
  if (pair.notAfter.getTime() <= now) warnings.push(`the certificate expired on ${pair.notAfter.toISOString()}`);
  if (pair.notBefore.getTime() > now) {
    warnings.push(`the certificate is valid only from ${pair.notBefore.toISOString()}`);
  }
  if (pair.chainLength === 1 && !pair.selfSigned) {
    warnings.push('TLS_CERT_FILE holds no intermediate certificate: clients that do not fetch it themselves '
      + 'refuse the connection; append the intermediates after the server certificate');
  }
  return warnings;
}
