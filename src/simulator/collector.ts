// Event collector: POST any path with a JSON array (or {events:[...]}) and the items are kept
// in arrival order so tests can assert exactly what the service shipped.
import { type Ctx, notFound, sendJson } from './http.js';

export function handleCollector(ctx: Ctx): void {
  if (ctx.method !== 'POST') return notFound(ctx);
  if (ctx.jsonError || ctx.body === undefined) {
    return sendJson(ctx.res, 400, { error: 'bad_request', message: 'body must be valid JSON' });
  }
  const b = ctx.body as { events?: unknown } | unknown[];
  const items = Array.isArray(b)
    ? b
    : typeof b === 'object' && b !== null && Array.isArray(b.events)
      ? (b.events as unknown[])
      : undefined;
  if (!items) {
    return sendJson(ctx.res, 400, { error: 'bad_request', message: 'expected an array or {events: [...]}' });
  }
  const store = ctx.state.collected;
  for (const item of items) store.push(item);
  sendJson(ctx.res, 200, { stored: items.length });
}
