// What integrators write instead of the service, for ingestion: Express, an in-memory Set of
// seen ids for dedup, and one fs.appendFile + fsync per event before the answer (durable, but no
// group commit, no restart-proof dedup, no validation or auth). The peer the receiver is compared
// with (bench/README.md, "Peers").
import express from 'express';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';

const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const dir = process.env.INGEST_FILE_DIR ?? '.';
const file = await open(join(dir, 'peer-events.ndjson'), 'a');
const seen = new Set<string>();
const app = express();
app.use(express.json({ limit: '1mb' }));
app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
app.post('/v1/events/eventbridge', async (req, res) => {
  const startedAt = Date.now();
  const event = req.body as { id: string; 'detail-type'?: string; detail?: unknown };
  const key = JSON.stringify([event['detail-type'], event.detail]);
  const duplicate = seen.has(key);
  if (!duplicate) {
    await file.appendFile(`${JSON.stringify({ key, id: event.id, receivedAt: new Date().toISOString(), event })}\n`);
    await file.sync();
    seen.add(key);
  }
  res.json({
    accepted: duplicate ? 0 : 1,
    duplicates: duplicate ? 1 : 0,
    results: [{ id: event.id, status: duplicate ? 'duplicate' : 'accepted' }],
  });
  log.info({
    method: req.method, url: req.url, statusCode: res.statusCode, responseTimeMs: Date.now() - startedAt,
  }, 'request');
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
