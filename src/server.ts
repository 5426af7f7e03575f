import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import closeWithGrace from 'close-with-grace';
import { buildApp, type AppOverrides } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';

/**
 * Starts the service on config.port and drains it on SIGINT/SIGTERM: new requests get 503,
 * in-flight ones finish, then resources close in onClose; `afterClose` runs last (the demo's simulator).
 * With HTTPS, SIGHUP reloads the certificate files instead (docs/operations.md, "HTTPS").
 */
export async function startServer(config: Config, afterClose?: () => Promise<void>, overrides: AppOverrides = {}) {
  const app = await buildApp(config, overrides);
  const { tls } = app;
  closeWithGrace({ delay: config.shutdownTimeoutMs, skip: tls ? ['SIGHUP'] : [] }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an unexpected error');
    else app.log.info({ signal }, 'draining: new requests get 503, in-flight requests finish');
    await app.close();
    await afterClose?.();
  });
  if (tls) process.on('SIGHUP', () => tls.reload('SIGHUP'));
  await app.listen({ port: config.port, host: config.host });
  return app;
}

async function main() {
  // A local .env is a convenience; the real environment always wins.
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    // A certificate pair that cannot be served is found by buildApp, and is a configuration problem too.
    await startServer(loadConfig());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const line = JSON.stringify({ level: 'fatal', code: err.code, msg: err.message, problems: err.problems });
    process.stderr.write(`${line}\n`);
    process.exit(78); // EX_CONFIG
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
