import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { ConfigError } from '../src/config.js';
import { issued, selfSigned, tlsFolder } from './helpers/certificates.js';
import { testConfig } from './helpers/app.js';

/** The problems buildApp finds in the TLS files of `env`, as a ConfigError lists them. */
async function problemsOf(env: Record<string, string>) {
  const error = await buildApp(testConfig(env), { logger: false }).then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).message).not.toContain('PRIVATE KEY');
  return (error as ConfigError).problems;
}

const file = (content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'gdas-pem-')), 'file.pem');
  writeFileSync(path, content);
  return path;
};

/** `text` followed by OpenSSL's code: the code varies with the OpenSSL that Node bundles. */
const withCode = (text: string) =>
  expect.stringMatching(new RegExp(`^${text.replace(/[()]/g, '\\$&')} \\(ERR_\\w+\\)$`));

describe('the TLS files at start', () => {
  it('names each file that cannot be read, both at once', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'gdas-empty-'));
    expect(await problemsOf({ TLS_CERT_FILE: join(folder, 'missing.crt'), TLS_KEY_FILE: folder })).toEqual([
      `TLS_CERT_FILE: cannot read ${join(folder, 'missing.crt')} (ENOENT)`,
      `TLS_KEY_FILE: cannot read ${folder} (EISDIR)`,
    ]);
  });

  it('names a file that holds something else than its PEM, e.g. the two swapped', async () => {
    const { files } = tlsFolder(selfSigned());
    expect(await problemsOf({ TLS_CERT_FILE: files.keyFile, TLS_KEY_FILE: files.certFile })).toEqual([
      withCode(`TLS_CERT_FILE: ${files.keyFile} holds no PEM certificate`),
      withCode(`TLS_KEY_FILE: ${files.certFile} holds no unencrypted PEM private key`),
    ]);
  });

  it('refuses a key encrypted with a passphrase, which it has no way to ask for', async () => {
    const pair = selfSigned();
    const encrypted = execFileSync('openssl', ['pkey', '-aes256', '-passout', 'pass:secret-pass'], { input: pair.key });
    const keyFile = file(encrypted.toString());
    expect(await problemsOf({ TLS_CERT_FILE: file(pair.cert), TLS_KEY_FILE: keyFile }))
      .toEqual([withCode(`TLS_KEY_FILE: ${keyFile} holds no unencrypted PEM private key`)]);
  });

  it('refuses a chain that does not start with the certificate of the key', async () => {
    const pair = issued();
    const keyFile = file(pair.key);
    expect(await problemsOf({ TLS_CERT_FILE: file(pair.ca + pair.cert), TLS_KEY_FILE: keyFile })).toEqual([
      `TLS_KEY_FILE: ${keyFile} is not the key of the certificate in TLS_CERT_FILE `
      + '(the file must start with the server certificate, its intermediates after it)',
    ]);
  });

  it('refuses a pair OpenSSL will not serve: an RSA key of 512 bits', async () => {
    const { env } = tlsFolder(selfSigned('localhost', ['-newkey', 'rsa:512']));
    expect(await problemsOf(env)).toEqual([withCode('TLS_CERT_FILE: OpenSSL refuses to serve it with TLS_KEY_FILE')]);
  });

  it('starts with a working pair, and stays plain HTTP without one', async () => {
    const https = await buildApp(testConfig(tlsFolder(selfSigned()).env), { logger: false });
    expect(https.tls?.current().fingerprint).toMatch(/^[0-9A-F:]{95}$/);
    await https.close();
    const plain = await buildApp(testConfig(), { logger: false });
    expect(plain.tls).toBeUndefined();
    expect('setSecureContext' in plain.server).toBe(false);
    await plain.close();
  });
});
