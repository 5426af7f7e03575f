import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { buildEventsApp, makeEvent, post } from '../events/helpers.js';
import { named, spanRecorder } from './helpers.js';

// The spans of ingestion (docs/operations.md, "Tracing"): one per request, one per sink write in a trace of its
// own, linked to the requests whose events it carries.

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const REQUEST_SPAN = 'POST /v1/events/eventbridge';

it('gives each sink write a span linked to the requests it carries, with its counts', async () => {
  const recorder = spanRecorder();
  // Three events make a batch at once; the linger only holds a batch that is not full yet.
  app = await buildEventsApp({ BATCH_MAX_SIZE: '3', BATCH_MAX_WAIT_MS: '1000' }, { spanExporter: recorder.exporter });
  const stored = makeEvent();
  expect((await post(app, [stored, makeEvent(), makeEvent()])).json()).toMatchObject({ accepted: 3 });
  // Two requests, three new events between them: one batch carries both.
  const [both, one] = await Promise.all([post(app, [makeEvent(), makeEvent(), stored]), post(app, makeEvent())]);
  expect(both.json()).toMatchObject({ accepted: 2, duplicates: 1 });
  expect(one.json()).toMatchObject({ accepted: 1, duplicates: 0 });

  const spans = await recorder.spans(app);
  const requests = named(spans, REQUEST_SPAN);
  const batches = named(spans, 'sink write');
  expect([requests.length, batches.length]).toEqual([3, 2]);
  const [first, second] = [...batches].sort((a, b) => a.links.length - b.links.length);
  const ofRequest = (accepted: number, duplicates: number) => requests.find((s) =>
    s.attributes['gdas.ingest.accepted'] === accepted && s.attributes['gdas.ingest.duplicates'] === duplicates)!;
  const [a, b, c] = [ofRequest(3, 0), ofRequest(2, 1), ofRequest(1, 0)];

  expect(second!.attributes).toEqual({ 'gdas.batch.id': expect.stringMatching(/^[0-9a-f]{16}$/), 'gdas.sink': 'file',
    'gdas.batch.events': 3, 'gdas.batch.accepted': 3, 'gdas.batch.duplicates': 0 });
  const linked = (span: typeof a) => span.links.map((l) => l.context.spanId).sort();
  expect(linked(second!)).toEqual([b.spanContext().spanId, c.spanContext().spanId].sort());
  expect(linked(first!)).toEqual([a.spanContext().spanId]);
  // A batch is a trace of its own: it serves several requests, so none of them is its parent.
  for (const batch of batches) {
    expect(batch.parentSpanContext).toBeUndefined();
    expect(requests.map((r) => r.spanContext().traceId)).not.toContain(batch.spanContext().traceId);
  }
  expect(b.attributes['gdas.ingest.batches']).toEqual([second!.attributes['gdas.batch.id']]);
  expect(c.attributes['gdas.ingest.batches']).toEqual([second!.attributes['gdas.batch.id']]);
  expect(a.attributes['gdas.ingest.batches']).toEqual([first!.attributes['gdas.batch.id']]);
});

it('marks a failed sink write on its span, linked to the refused request, whose span names the batch', async () => {
  const recorder = spanRecorder();
  // The collector is nowhere: every write fails at once.
  const nowhere = { INGEST_SINK: 'http', INGEST_HTTP_URL: 'http://127.0.0.1:9/collect', INGEST_HTTP_TIMEOUT_MS: '500' };
  app = await buildEventsApp(nowhere, { spanExporter: recorder.exporter });
  const res = await post(app, makeEvent());
  expect(res.json().error.code).toBe('SINK_UNAVAILABLE');

  const spans = await recorder.spans(app);
  const [batch] = named(spans, 'sink write');
  expect(batch!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'sink write failed' });
  expect(batch!.attributes).toMatchObject({ 'gdas.sink': 'http', 'gdas.batch.events': 1 });
  expect(batch!.attributes['gdas.batch.accepted']).toBeUndefined();
  const [request] = named(spans, REQUEST_SPAN);
  expect(request!.attributes['http.response.status_code']).toBe(503);
  expect(batch!.links.map((l) => l.context.spanId)).toEqual([request!.spanContext().spanId]);
  expect(request!.attributes['gdas.ingest.batches']).toEqual([batch!.attributes['gdas.batch.id']]);
});
