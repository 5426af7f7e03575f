import type { LoggerOptions } from 'pino';
import type { Config } from './config.js';

/** Pino options shared by the server and the demo: JSON lines, secrets redacted wherever they hide. */
export function loggerOptions(config: Pick<Config, 'logLevel' | 'auth'>): LoggerOptions {
  const headers = ['authorization', 'x-api-key', 'cookie', config.auth.ingest.apiKeyHeader];
  return {
    level: config.logLevel,
    redact: {
      paths: [
        ...[...new Set(headers)].flatMap((h) => [`headers["${h}"]`, `*.headers["${h}"]`]),
        '*.clientSecret', '*.client_secret', '*.apiKey', '*.password', '*.access_token', '*.token',
      ],
      censor: '[redacted]',
    },
  };
}
