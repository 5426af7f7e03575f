import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { configProblems } from '../helpers/app.js';

// BACKENDS_FILE is checked at start: every problem in one message, named by its place in the file
// or by the variable it came from, never by echoing a secret.

const dir = mkdtempSync(join(tmpdir(), 'gdas-backends-'));
let n = 0;
function file(text: string) {
  const path = join(dir, `backends-${n++}.yaml`);
  writeFileSync(path, text);
  return path;
}

const keyed = { DATA_ACTION_API_KEYS: 'k1', INGEST_API_KEYS: 'k2' };
const problemsOf = (env: Record<string, string>) => configProblems({ ...keyed, ...env });

const backend = (extra = '') => `
  - name: crm
    baseUrl: \${env:T_CRM_URL}
    auth: { type: apiKey, header: X-API-Key, value: "\${env:T_CRM_KEY}" }
    request: { method: GET, path: /v2/accounts, query: { id: "{customerId}" } }
    output:
      tier: { type: string, from: tier }
${extra}`;

describe('BACKENDS_FILE', () => {
  it('names a file that cannot be read', () => {
    expect(problemsOf({ BACKENDS_FILE: join(dir, 'nope.yaml') }))
      .toEqual([`BACKENDS_FILE: cannot read ${join(dir, 'nope.yaml')} (ENOENT)`]);
  });

  it('names the line and column of a YAML syntax error', () => {
    const path = file('backends:\n  - name: crm\n    request: { path: /x\n');
    const [problem] = problemsOf({ BACKENDS_FILE: path });
    expect(problem).toMatch(new RegExp(`^BACKENDS_FILE: ${path}:\\d+:\\d+: `));
  });

  it('lists every problem of the file at once, each by its place', () => {
    const path = file(`
backends:
  - name: crm
    baseUrl: http://crm
    requst: { path: /x }
  - name: Bad Name
    baseUrl: http://x
    request: { method: PUT, path: x }
    auth: { type: magic }
    output:
      tier: { type: text, from: tier }
`);
    expect(problemsOf({ BACKENDS_FILE: path })).toEqual(expect.arrayContaining([
      expect.stringMatching(/^backends\[0\]: Unrecognized key: "requst"/),
      expect.stringMatching(/^backends\[0\]\.request: /),
      expect.stringMatching(/^backends\[1\]\.name: must match/),
      expect.stringMatching(/^backends\[1\]\.request\.method: /),
      expect.stringMatching(/^backends\[1\]\.request\.path: must start with \//),
      expect.stringMatching(/^backends\[1\]\.auth\.type: must have a type/),
      expect.stringMatching(/^backends\[1\]\.output\.tier\.type: /),
    ]));
  });

  it('reports JSONata syntax errors and unknown inputs by place, whether the backend is configured or not', () => {
    const path = file(`backends:${backend()}
  - name: orders
    baseUrl: \${env:T_UNSET_URL}
    request: { method: POST, path: "/v1/{accountNumber}", body: { x: "{$remaining}" } }
    output:
      total: { type: number, from: "sum(results.(total)" }
`);
    expect(problemsOf({ BACKENDS_FILE: path, T_CRM_URL: 'http://crm', T_CRM_KEY: 'k' })).toEqual([
      'backends[1].request: {accountNumber} is not a data-action input (known: customerId, userId, ordersLimit)',
      'backends[1].request: {$remaining} needs items',
      expect.stringMatching(/^backends\[1\]\.output\.total\.from: JSONata syntax error at \d+: Expected "\)"/),
    ]);
  });

  it('names every variable a configured backend reads and lacks, and the bad values by variable and place', () => {
    const path = file(`backends:${backend(`    timeoutMs: \${env:T_CRM_TIMEOUT:-1500}
    retry: { attempts: 11 }`)}`);
    expect(problemsOf({ BACKENDS_FILE: path, T_CRM_URL: 'ftp://crm', T_CRM_TIMEOUT: 'soon' })).toEqual([
      'T_CRM_KEY: required when T_CRM_URL is set (backends[0] reads it)',
      'T_CRM_URL: must be an http(s) URL (backends[0].baseUrl)',
      'T_CRM_TIMEOUT: must be an integer from 50 to 60000 (backends[0].timeoutMs)',
      'backends[0].retry.attempts: must be an integer from 1 to 10',
    ]);
  });

  it('leaves a backend whose baseUrl variable is unset unconfigured, without asking for its other variables', () => {
    const config = loadConfig({ ...keyed, BACKENDS_FILE: file(`backends:${backend()}`) });
    expect(config.sources.map((s) => [s.contract.name, s.settings])).toEqual([['user', undefined], ['crm', undefined]]);
  });

  it('refuses two backends with one name or route, and a name the answer already uses', () => {
    const path = file(`backends:${backend()}${backend()}
  - name: user
    route: customer-context
    baseUrl: http://x
    request: { path: /x }
`);
    expect(problemsOf({ BACKENDS_FILE: path })).toEqual([
      'backends: the name crm of the backend of route crm is taken by the backend of route crm',
      'backends: the route crm of the backend of route crm is taken by the backend of route crm',
      'backends: the name user of the backend of route customer-context is taken by the backend of route genesys-user',
      'backends: the route customer-context of the backend of route customer-context is taken by the aggregate',
    ]);
  });

  it('never echoes a secret it read', () => {
    const path = file(`backends:${backend('    timeoutMs: ${env:T_CRM_KEY}')}`);
    const problems = problemsOf({ BACKENDS_FILE: path, T_CRM_URL: 'http://crm', T_CRM_KEY: 'hunter2-secret' });
    expect(problems).toEqual(['T_CRM_KEY: must be an integer from 50 to 60000 (backends[0].timeoutMs)']);
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});
