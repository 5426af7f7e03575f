import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEvent, readLines } from '../events/helpers.js';
import { startService } from '../events/service.js';
import { DATA_KEY, INGEST_KEY } from '../helpers/app.js';
import type { ServiceProcess } from '../helpers/process.js';
import { ATTACKS, type AttackCase } from './cases.js';

const ROUTES = { 'events': '/v1/events/eventbridge', 'data-actions': '/v1/data-actions/customer-context' };
const KEYS = { 'events': INGEST_KEY, 'data-actions': DATA_KEY };

async function send(service: ServiceProcess, c: Pick<AttackCase, 'family' | 'body' | 'contentType'>) {
  const headers: Record<string, string> = { 'x-api-key': KEYS[c.family] };
  if (c.contentType !== null) headers['content-type'] = c.contentType ?? 'application/json';
  const res = await request(`${service.url}${ROUTES[c.family]}`, { method: 'POST', headers, body: c.body });
  return { status: res.statusCode, body: await res.body.json() as Record<string, unknown> };
}

const asText = (body: string | Buffer) => String(body).replace(/^\uFEFF/, '');

// Hostile inputs against both route families of one real service process (file sink): each gets
// its documented answer in the one error body, nothing refused reaches the sink folder, and the
// process is alive and serving at the end.
describe('attack corpus (service process, file sink)', () => {
  let service: ServiceProcess;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gdas-attacks-'));
    service = await startService({ INGEST_FILE_DIR: dir });
  });

  afterAll(async () => {
    service.child.kill('SIGTERM');
    await service.exited;
  });

  it.each(ATTACKS.map((c) => [`${c.family}: ${c.name}`, c] as const))('%s', async (_name, c) => {
    const before = await readLines(dir);
    const res = await send(service, c);
    const added = (await readLines(dir)).slice(before.length);
    expect(res.status).toBe(c.status);
    if (c.status >= 400) {
      expect(res.body).toEqual({ error: { code: c.code, message: expect.any(String), fields: expect.any(Object) } });
      const { fields } = res.body.error as { fields: object };
      if (c.fields) expect(Object.keys(fields).sort()).toEqual([...c.fields].sort());
      expect(added).toEqual([]);
    } else if (c.family === 'events') {
      expect(res.body).toMatchObject({ accepted: 1, duplicates: 0 });
      // Stored once, as sent.
      expect(added).toHaveLength(1);
      expect(added[0]!.endsWith(`"event":${asText(c.body)}}`)).toBe(true);
    } else {
      expect(res.body).toMatchObject({ customerId: 'c-1' });
      expect(added).toEqual([]);
    }
  });

  it('leaves the process alive and serving both route families', async () => {
    expect(service.child.exitCode).toBeNull();
    const event = makeEvent();
    const stored = await send(service, { family: 'events', body: JSON.stringify(event) });
    expect(stored).toMatchObject({ status: 200, body: { accepted: 1 } });
    expect((await readLines(dir)).some((l) => l.includes(event.id))).toBe(true);
    const action = await send(service, { family: 'data-actions', body: '{"customerId":"c-2"}' });
    expect(action).toMatchObject({ status: 200, body: { customerId: 'c-2' } });
    expect((await request(`${service.url}/healthz`)).statusCode).toBe(200);
  });
});
