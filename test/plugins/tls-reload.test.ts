import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { metric } from '../events/helpers.js';
import {
  keepAliveClient, linkedFiles, listeningApp, renameOver, secretVolume, selfSigned, servedFingerprint, tlsFolder,
  type Pair,
} from '../helpers/certificates.js';
import { manualClock } from '../helpers/clock.js';

type Listening = Awaited<ReturnType<typeof listeningApp>>;
let running: Listening | undefined;
const start = async (...args: Parameters<typeof listeningApp>) => (running = await listeningApp(...args));
afterEach(async () => {
  await running?.app.close();
  running = undefined;
});

/** New connections get `pair`'s certificate (polled: the watch reports a change when the kernel says so). */
const served = (port: number, pair: Pair) =>
  vi.waitFor(async () => expect(await servedFingerprint(port)).toBe(pair.fingerprint), { timeout: 10_000 });

const logged = (service: Listening, msg: string) => service.lines.filter((l) => l.msg === msg);
const RELOADED = 'TLS certificate reloaded: new connections get it, open ones keep theirs';
const FAILED = 'TLS certificate reload failed: new connections still get the previous certificate';

/** No line carries either key, whole or in part (a base64 line of its PEM). */
function expectNoKeyMaterial(raw: string, ...pairs: Pair[]) {
  expect(raw).not.toContain('PRIVATE KEY');
  for (const pair of pairs) {
    for (const line of pair.key.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) {
      expect(raw).not.toContain(line);
    }
  }
}

describe('certificate reloads', () => {
  it.each([
    ['renamed over the old ones', (folder: ReturnType<typeof tlsFolder>, next: Pair) => {
      renameOver(folder.files.certFile, next.cert);
      renameOver(folder.files.keyFile, next.key);
    }],
    ['swapped as kubelet updates a Secret volume (..data symlink)', undefined],
  ])('serves new files %s to new connections, rotation after rotation, while an open keep-alive connection works',
    async (_, rename) => {
      const [first, second, third] = [selfSigned(), selfSigned(), selfSigned()];
      const folder = tlsFolder(first);
      const volume = secretVolume(first);
      const rotate = (next: Pair) => (rename ? rename(folder, next) : volume.update(next));
      const service = await start(rename ? folder.env : volume.env);
      const client = keepAliveClient(service.port);
      const before = await client.get('/healthz');
      expect(before.socket.getPeerCertificate().fingerprint256).toBe(first.fingerprint);

      // Twice: a watch on the file itself would follow the replaced one, and miss the second rotation.
      rotate(second);
      await served(service.port, second);
      rotate(third);
      await served(service.port, third);

      const after = await client.get('/healthz');
      expect(after).toMatchObject({ status: 200 });
      expect(after.socket).toBe(before.socket);
      expect(after.socket.getPeerCertificate().fingerprint256).toBe(first.fingerprint);
      client.close();
      const reload = (from: Pair, to: Pair) => ({ level: 30, trigger: 'file-change',
        certificate: { fingerprint: to.fingerprint }, previous: from.fingerprint });
      expect(logged(service, RELOADED)).toMatchObject([reload(first, second), reload(second, third)]);
      expect(await metric(service.app, 'tls_certificate_reloads_total{result="ok"}')).toBe(2);
      expect(service.app.tls!.current().fingerprint).toBe(third.fingerprint);
      expect(await metric(service.app, 'tls_certificate_expiry_timestamp_seconds'))
        .toBe(service.app.tls!.current().notAfter.getTime() / 1000);
    });

  it('keeps the previous certificate when the new files are half written or do not match, and says so without the key',
    async () => {
      const [first, second] = [selfSigned(), selfSigned()];
      const folder = tlsFolder(first);
      const service = await start(folder.env);
      const failures = () => logged(service, FAILED);
      /** The failure with a problem starting with `problem` (under load one change may be read twice). */
      const failure = (problem: string) => vi.waitFor(() => {
        const found = failures().find((l) => (l.problems as string[]).some((p) => p.startsWith(problem)));
        expect(found, problem).toBeDefined();
        return found!;
      }, { timeout: 10_000 });

      writeFileSync(folder.files.certFile, second.cert.slice(0, second.cert.length / 2)); // in place, cut short
      expect(await failure(`TLS_CERT_FILE: ${folder.files.certFile} holds no PEM certificate`)).toMatchObject({
        level: 50, trigger: 'file-change', certificate: { fingerprint: first.fingerprint },
        problems: [expect.any(String)],
      });
      expect(await servedFingerprint(service.port)).toBe(first.fingerprint);

      renameOver(folder.files.certFile, second.cert); // its key is still the old one
      expect((await failure(`TLS_KEY_FILE: ${folder.files.keyFile} is not the key of the certificate in TLS_CERT_FILE`))
        .problems).toHaveLength(1);
      expect(await servedFingerprint(service.port)).toBe(first.fingerprint);
      expect(await metric(service.app, 'tls_certificate_reloads_total{result="failed"}')).toBe(failures().length);

      renameOver(folder.files.keyFile, second.key); // the rotation completes
      await served(service.port, second);
      expectNoKeyMaterial(service.raw(), first, second);
    });

  it('reloads even while another file of the folder keeps changing', async () => {
    const [first, second] = [selfSigned(), selfSigned()];
    const folder = tlsFolder(first);
    const service = await start(folder.env);
    // A file written every 20 ms beside the certificate, as a log or a sidecar's state would be.
    const churn = setInterval(() => writeFileSync(join(folder.dir, 'other.log'), String(Date.now())), 20);
    try {
      renameOver(folder.files.certFile, second.cert);
      renameOver(folder.files.keyFile, second.key);
      await served(service.port, second);
    } finally {
      clearInterval(churn);
    }
  });

  it('watches a folder removed and created again (a volume mounted again) from the next periodic check', async () => {
    const [first, second, third, fourth] = [selfSigned(), selfSigned(), selfSigned(), selfSigned()];
    const folder = tlsFolder(first);
    const { clock, advance } = manualClock();
    const service = await start(folder.env, { clock });
    rmSync(folder.dir, { recursive: true });
    mkdirSync(folder.dir);
    writeFileSync(folder.files.certFile, second.cert);
    writeFileSync(folder.files.keyFile, second.key);
    await advance(5 * 60_000);
    await served(service.port, second);
    // The watch, not a check, sees these (no time passes on the app's clock). Twice: the events of
    // the removal itself may still be settling and carry the first rotation.
    for (const next of [third, fourth]) {
      renameOver(folder.files.certFile, next.cert);
      renameOver(folder.files.keyFile, next.key);
      await served(service.port, next);
    }
  });

  it('picks up, at the periodic check, a change the folder watch cannot see', async () => {
    const [first, second] = [selfSigned(), selfSigned()];
    const files = linkedFiles(first);
    const { clock, advance } = manualClock();
    const service = await start(files.env, { clock });

    files.changeInPlace(second);
    await advance(5 * 60_000);
    await served(service.port, second);
    expect(logged(service, RELOADED)).toMatchObject([{ trigger: 'periodic-check' }]);
  });
});
