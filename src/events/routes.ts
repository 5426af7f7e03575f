import type { FastifyInstance, FastifySchema, FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { errors } from '../errors.js';
import { fieldProblems } from '../plugins/zod-validation.js';
import type { Rider } from './batcher.js';
import { eventBodyParser, validateEventBody, type ReceivedEvents } from './body.js';
import type { EventIngestor } from './ingest.js';
import { eventBridgeBodySchema, eventBridgeHeadersSchema, ingestResponseSchema } from './schemas.js';

/** The body picks its union branch by JSON type, so errors name fields like "3.detail". */
const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) => (data: unknown) => {
  const result = httpPart === 'body' ? validateEventBody(data) : (schema as z.ZodType).safeParse(data);
  return result.success ? { value: result.data } : { error: errors.validation(fieldProblems(result.error)) };
};

// summary and description feed the OpenAPI document (src/openapi reads them off the route table).
const schema = {
  summary: 'Receive EventBridge events (API destination target)',
  description: 'Answers 200 only once every event is durable; EventBridge retries 401, 429 and 5xx '
    + '(for up to 24 h), other 4xx are final.',
  body: eventBridgeBodySchema,
  headers: eventBridgeHeadersSchema,
  response: { 200: ingestResponseSchema },
};

/** POST /v1/events/eventbridge, the EventBridge API-destination target (docs/contract.md §3). */
export async function eventRoutes(app: FastifyInstance, opts: { ingestor: EventIngestor }) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, eventBodyParser(app));
  app.post<{ Body: ReceivedEvents; Headers: z.output<typeof eventBridgeHeadersSchema> }>('/eventbridge', {
    onRequest: app.authenticate.ingest,
    validatorCompiler,
    schema,
  }, async (request, reply) => {
    const { events, isArray } = request.body;
    // The batches note themselves on the rider even when their write fails: the log line and the
    // span name them either way.
    const rider: Rider = { batches: [], span: request.trace?.spanContext };
    request.outcome = { batches: rider.batches };
    try {
      const answer = await opts.ingestor.ingest(events, {
        idempotencyKey: request.headers['idempotency-key'], isArray, elapsedMs: reply.elapsedTime, rider,
      });
      const { accepted, duplicates } = answer;
      request.outcome = { accepted, duplicates, batches: rider.batches };
      request.trace?.setAttributes({ 'gdas.ingest.accepted': accepted, 'gdas.ingest.duplicates': duplicates });
      return answer;
    } finally {
      request.trace?.setAttributes({ 'gdas.ingest.batches': rider.batches });
    }
  });
}
