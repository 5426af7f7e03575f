import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errors, type AppError } from '../../src/errors.js';

// The Amazon EventBridge user guide (API destinations, "API destination error codes") lists what
// an API destination retries: 401, 407, 409, 429 and 5xx. Everything else ends the delivery.
const retriedByEventBridge = (status: number) => [401, 407, 409, 429].includes(status) || status >= 500;

const doc = readFileSync(new URL('../../docs/eventbridge.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('## 3.'), doc.indexOf('## 4.'));
/** The status table of section 3: each row's statuses and what it says EventBridge does. */
const rows = section.split('\n').filter((l) => /^\| \**\d{3}/.test(l)).map((l) => {
  const cells = l.split('|').map((c) => c.replace(/\*/g, '').trim());
  return { statuses: (cells[1]!.match(/\b\d{3}\b/g) ?? []).map(Number), does: cells.at(-2)! };
});

describe('docs/eventbridge.md', () => {
  it('says, for every status in the error catalogue, what EventBridge does with it, as AWS documents', () => {
    const make = Object.values(errors) as ((...args: unknown[]) => AppError)[];
    const statuses = [...new Set(make.map((m) => m('x', 1).statusCode))].sort((a, b) => a - b);
    expect(statuses.length).toBeGreaterThan(5);
    for (const status of [200, ...statuses]) {
      const row = rows.find((r) => r.statuses.includes(status));
      expect(row, `no row for ${status}`).toBeDefined();
      if (status === 200) continue;
      expect(row!.does.startsWith('retries'), `${status}: "${row!.does}"`).toBe(retriedByEventBridge(status));
    }
  });
});
