// Bare ingestion baseline: Fastify parses the JSON body and answers in the service's shape,
// with no auth, validation, dedup, batching or storage. The ceiling of "receive an event".
import { baselineApp, listen } from './common.js';

const app = baselineApp();

app.post('/v1/events/eventbridge', async (request) => {
  const events = Array.isArray(request.body)
    ? (request.body as { id?: unknown }[])
    : [request.body as { id?: unknown }];
  return {
    accepted: events.length,
    duplicates: 0,
    results: events.map((e) => ({ id: String(e.id), status: 'accepted' })),
  };
});

await listen(app);
