import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Metrics } from '../../metrics.js';
import { createFileSink } from './file.js';
import { createHttpSink } from './http.js';
import type { Sink } from './types.js';

export type { EventRecord, Sink } from './types.js';

/** The sink INGEST_SINK names, ready to write (folder or table created). */
export interface SinkDeps {
  log: FastifyBaseLogger;
  metrics: Metrics;
  /** The app's clock: the file sink names its day files by its wall time, the HTTP sink's budget runs on it. */
  clock: Clock;
}

export async function createSink(config: Config, deps: SinkDeps): Promise<Sink> {
  const { ingest } = config;
  switch (ingest.sink) {
    case 'file':
      return createFileSink({ dir: ingest.fileDir, clock: deps.clock });
    case 'postgres': {
      // pg is loaded only by the service that writes to PostgreSQL (docs/decisions.md, "Loaded when used").
      const { createPostgresSink } = await import('./postgres.js');
      // config.ts guarantees DATABASE_URL with INGEST_SINK=postgres, INGEST_HTTP_URL with http.
      return createPostgresSink({
        connectionString: ingest.databaseUrl!,
        poolMax: ingest.databasePoolMax,
        log: deps.log,
      });
    }
    case 'http':
      return createHttpSink({
        url: ingest.httpUrl!,
        budgetMs: ingest.httpTimeoutMs,
        metrics: deps.metrics,
        clock: deps.clock,
      });
  }
}
