import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { Server as TlsServer } from 'node:tls';
import fp from 'fastify-plugin';
import { Counter, Gauge } from 'prom-client';
import type { ClockTimer } from '../clock.js';
import { pairWarnings, readCertificatePair, type CertificatePair, type TlsFiles } from '../tls.js';

export type ReloadTrigger = 'file-change' | 'SIGHUP' | 'periodic-check';

declare module 'fastify' {
  interface FastifyInstance {
    /** The HTTPS listener's certificate (docs/operations.md, "HTTPS"); undefined over plain HTTP. */
    tls?: {
      /** Serves the files' pair to new connections if it changed and works; else keeps the current one. */
      reload(trigger: ReloadTrigger): void;
      current(): CertificatePair;
    };
  }
}

/**
 * One replacement makes a burst of events (a Kubernetes Secret update makes five): the files are
 * read this long after the first, once, even if other files of the folder keep changing.
 */
const SETTLE_MS = 100;
/** A change the watch misses (a network filesystem, a file changed in place behind a symlink) waits this long. */
const CHECK_INTERVAL_MS = 5 * 60_000;

/**
 * Reloads the certificate of the HTTPS listener when its files change, every CHECK_INTERVAL_MS and
 * on SIGHUP (server.ts). The folders are watched, not the files: editors, cert-manager and kubelet
 * replace files by renames and symlink swaps, which a watch on the old file never sees. A new pair
 * goes to new connections through `setSecureContext`; open ones keep theirs. A pair that cannot be
 * read or does not match (a half-written file, the certificate renamed before its key) is logged,
 * without key material, and the current one stays.
 */
export default fp(async (app, opts: { files: TlsFiles; initial: CertificatePair }) => {
  const { server, log, clock } = app;
  if (!(server instanceof TlsServer)) throw new Error('the tls plugin needs the HTTPS server buildApp makes');
  const registers = [app.metrics.registry];
  const expiry = new Gauge({ registers, name: 'tls_certificate_expiry_timestamp_seconds',
    help: 'When the certificate served to new connections expires (Unix seconds)' });
  const reloads = new Counter({ registers, name: 'tls_certificate_reloads_total', labelNames: ['result'],
    help: 'Certificate reloads: ok (a new pair is served) or failed (the previous pair stays)' });
  const handshakeFailures = new Counter({ registers, name: 'tls_handshake_failures_total', labelNames: ['code'],
    help: 'Failed TLS handshakes: plain HTTP, an old TLS version, a timeout, a client that hung up '
      + '(one that distrusts the certificate)' });
  reloads.inc({ result: 'ok' }, 0);
  reloads.inc({ result: 'failed' }, 0);

  let current = opts.initial;
  const serve = (pair: CertificatePair) => {
    current = pair;
    expiry.set(pair.notAfter.getTime() / 1000);
    for (const warning of pairWarnings(pair, clock.wallNow())) log.error({ certificate: pair.describe() }, warning);
  };
  serve(current);

  const reload = (trigger: ReloadTrigger) => {
    const problems: string[] = [];
    const next = readCertificatePair(opts.files, problems);
    if (!next) {
      reloads.inc({ result: 'failed' });
      log.error({ trigger, problems, certificate: current.describe() },
        'TLS certificate reload failed: new connections still get the previous certificate');
      return;
    }
    if (next.sameAs(current)) {
      if (trigger === 'SIGHUP') log.info({ trigger, certificate: current.describe() }, 'TLS certificate unchanged');
      return;
    }
    server.setSecureContext(next.secureContextOptions());
    reloads.inc({ result: 'ok' });
    log.info({ trigger, certificate: next.describe(), previous: current.fingerprint },
      'TLS certificate reloaded: new connections get it, open ones keep theirs');
    serve(next);
  };
  app.decorate('tls', { reload, current: () => current });

  server.on('tlsClientError', (err: NodeJS.ErrnoException) => {
    const code = err.code ?? 'unknown';
    handshakeFailures.inc({ code });
    log.debug({ code }, 'TLS handshake failed');
  });

  let watchers: FSWatcher[] = [];
  let settling: NodeJS.Timeout | undefined;
  const changed = () => {
    settling ??= setTimeout(() => {
      settling = undefined;
      reload('file-change');
    }, SETTLE_MS);
  };
  // Watched anew at each periodic check: a watch on a folder that was removed and created again (a
  // volume mounted again) reports nothing more, and one that failed is tried again.
  const watchFolders = () => {
    for (const watcher of watchers) watcher.close();
    watchers = [];
    for (const folder of new Set([dirname(opts.files.certFile), dirname(opts.files.keyFile)])) {
      try {
        const watcher = watch(folder, { persistent: false }, changed);
        watcher.on('error', (err: NodeJS.ErrnoException) => {
          log.warn({ folder, code: err.code }, 'stopped watching a TLS folder until the periodic check');
          watcher.close();
        });
        watchers.push(watcher);
      } catch (err) {
        log.warn({ folder, code: (err as NodeJS.ErrnoException).code },
          'cannot watch a TLS folder: certificate changes wait for the periodic check or SIGHUP');
      }
    }
  };

  let timer: ClockTimer;
  const periodicCheck = () => {
    watchFolders();
    reload('periodic-check');
    timer = clock.setTimeout(periodicCheck, CHECK_INTERVAL_MS);
  };
  app.addHook('onReady', async () => {
    watchFolders();
    timer = clock.setTimeout(periodicCheck, CHECK_INTERVAL_MS);
  });
  app.addHook('onListen', async () => {
    log.info({ certificate: current.describe() }, 'serving HTTPS');
  });
  app.addHook('onClose', async () => {
    clock.clearTimeout(timer);
    clearTimeout(settling);
    for (const watcher of watchers) watcher.close();
  });
}, { name: 'tls', dependencies: ['config', 'metrics'] });
