import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { configProblems as problemsOf } from './helpers/app.js';

const keyed = { DATA_ACTION_API_KEYS: 'k1', INGEST_API_KEYS: 'k2' };

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig(keyed);
    expect(c.port).toBe(8080);
    expect(c.host).toBe('0.0.0.0');
    expect(c.sources.map((s) => [s.contract.name, s.settings]))
      .toEqual([['user', undefined], ['crm', undefined], ['orders', undefined]]);
    const all = loadConfig({ ...keyed, GENESYS_CLIENT_ID: 'id', GENESYS_CLIENT_SECRET: 's', CRM_BASE_URL: 'http://crm', CRM_API_KEY: 'k',
      ORDERS_BASE_URL: 'http://orders', ORDERS_API_KEY: 'k' });
    expect(all.sources[0]!.settings).toMatchObject({ apiUrl: 'https://api.mypurecloud.com', loginUrl: 'https://login.mypurecloud.com' });
    expect([...all.sources.map((s) => s.timeoutMs), all.dataActionDeadlineMs]).toEqual([1500, 1500, 2000, 2500]);
    expect(c.ingest).toMatchObject({ sink: 'file', fileDir: './data/events', batchMaxSize: 500, batchMaxWaitMs: 0 });
    expect(c.dedup.ttlSeconds).toBe(86400);
    expect(c.auth.ingest.apiKeyHeader).toBe('x-api-key');
  });

  it('derives Genesys hosts from the region and honours the overrides', () => {
    const c = loadConfig({ ...keyed, GENESYS_CLIENT_ID: 'id', GENESYS_CLIENT_SECRET: 's',
      GENESYS_REGION: 'mypurecloud.ie', GENESYS_LOGIN_URL: 'http://127.0.0.1:9/' });
    expect(c.sources[0]!.settings).toMatchObject({ apiUrl: 'https://api.mypurecloud.ie', loginUrl: 'http://127.0.0.1:9/' });
  });

  it('reads the Genesys API budget and keep-warm time, with their defaults and bounds', () => {
    const genesys = { ...keyed, GENESYS_CLIENT_ID: 'id', GENESYS_CLIENT_SECRET: 's' };
    expect(loadConfig(genesys).sources[0]!.settings).toMatchObject({ rateLimitPerMinute: 300, keepWarmMs: 600_000 });
    const set = loadConfig({ ...genesys, GENESYS_RATE_LIMIT_PER_MINUTE: '600', USER_KEEP_WARM_MS: '0' });
    expect(set.sources[0]!.settings).toMatchObject({ rateLimitPerMinute: 600, keepWarmMs: 0 });
    expect(problemsOf({ ...genesys, GENESYS_RATE_LIMIT_PER_MINUTE: '0', USER_KEEP_WARM_MS: '-1' })).toEqual([
      'GENESYS_RATE_LIMIT_PER_MINUTE: must be an integer from 1 to 100000',
      'USER_KEEP_WARM_MS: must be an integer >= 0',
    ]);
  });

  it('splits key lists and user:password pairs, keeping colons inside passwords', () => {
    const c = loadConfig({ ...keyed, DATA_ACTION_API_KEYS: ' a, b ,,c', INGEST_BASIC_AUTH: 'eb:pa:ss,other:x' });
    expect(c.auth.dataActions.apiKeys).toEqual(['a', 'b', 'c']);
    expect(c.auth.ingest.basic).toEqual([{ user: 'eb', password: 'pa:ss' }, { user: 'other', password: 'x' }]);
  });

  it('refuses to start with a route family open, naming both families', () => {
    const problems = problemsOf({});
    expect(problems).toEqual([
      expect.stringMatching(/^DATA_ACTION_API_KEYS: no credentials for \/v1\/data-actions/),
      expect.stringMatching(/^INGEST_API_KEYS: no credentials for \/v1\/events/),
    ]);
    expect(problemsOf({ DATA_ACTION_BASIC_AUTH: 'u:p' })).toEqual([expect.stringMatching(/^INGEST_API_KEYS:/)]);
  });

  it('starts open only when AUTH_DISABLED=true', () => {
    expect(loadConfig({ AUTH_DISABLED: 'true' }).auth.disabled).toBe(true);
    expect(problemsOf({ AUTH_DISABLED: 'yes' })[0]).toMatch(/^AUTH_DISABLED:/);
  });

  it('lists every problem in one error, by variable name, without echoing values', () => {
    const secret = 'super-secret-value';
    const problems = problemsOf({
      ...keyed,
      PORT: 'eighty',
      GENESYS_REGION: 'example.com',
      GENESYS_CLIENT_ID: 'client',
      CRM_BASE_URL: 'ftp://crm',
      ORDERS_BASE_URL: 'http://orders',
      CRM_RETRY_BASE_MS: '500',
      CRM_RETRY_MAX_MS: '200',
      ORDERS_RETRY_ATTEMPTS: '11',
      GENESYS_RETRY_BASE_MS: '50',
      INGEST_SINK: 'postgres',
      DATA_ACTION_BASIC_AUTH: secret,
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'PORT', 'DATA_ACTION_BASIC_AUTH', 'GENESYS_REGION', 'CRM_BASE_URL', 'GENESYS_RETRY_BASE_MS',
      'ORDERS_RETRY_ATTEMPTS', 'GENESYS_CLIENT_SECRET', 'ORDERS_API_KEY', 'CRM_API_KEY', 'CRM_RETRY_MAX_MS',
      'DATABASE_URL',
    ].sort());
    const error = new ConfigError(problems);
    expect(error.message).toMatch(/^invalid configuration:\n {2}- PORT: must be an integer from 0 to 65535/);
    expect(error.message).not.toContain(secret);
  });

  it('requires the sink settings that the chosen sink needs', () => {
    expect(problemsOf({ ...keyed, INGEST_SINK: 'http' })).toEqual(['INGEST_HTTP_URL: required when INGEST_SINK=http']);
    expect(problemsOf({ ...keyed, INGEST_SINK: 'kafka' })[0]).toMatch(/^INGEST_SINK:/);
    expect(problemsOf({ ...keyed, REDIS_URL: 'http://x' })).toEqual(['REDIS_URL: must be a redis:// or rediss:// URL']);
  });

  it('bounds inbound connections: request and header timeouts, keep-alive, and an optional connection limit', () => {
    expect(loadConfig(keyed).connections).toEqual({
      requestTimeoutMs: 5000, headersTimeoutMs: 2000, keepAliveTimeoutMs: 72_000, maxConnections: undefined,
    });
    expect(loadConfig({ ...keyed, MAX_CONNECTIONS: '50', REQUEST_TIMEOUT_MS: '3000' }).connections)
      .toMatchObject({ maxConnections: 50, requestTimeoutMs: 3000 });
    expect(problemsOf({ ...keyed, HEADERS_TIMEOUT_MS: '6000' }))
      .toEqual(['HEADERS_TIMEOUT_MS: must be <= REQUEST_TIMEOUT_MS (5000)']);
    expect(problemsOf({ ...keyed, MAX_CONNECTIONS: '0', REQUEST_TIMEOUT_MS: '0' })).toEqual([
      'REQUEST_TIMEOUT_MS: must be an integer from 100 to 600000', 'MAX_CONNECTIONS: must be an integer >= 1',
    ]);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ ...keyed, PORT: '', CRM_BASE_URL: '' }).port).toBe(8080);
  });

  it('listens in HTTPS only with both TLS files, and refuses one without the other', () => {
    expect(loadConfig(keyed).tls).toBeUndefined();
    expect(loadConfig({ ...keyed, TLS_CERT_FILE: '', TLS_KEY_FILE: '' }).tls).toBeUndefined();
    expect(loadConfig({ ...keyed, TLS_CERT_FILE: '/tls/tls.crt', TLS_KEY_FILE: '/tls/tls.key' }).tls)
      .toEqual({ certFile: '/tls/tls.crt', keyFile: '/tls/tls.key' });
    expect(problemsOf({ ...keyed, TLS_CERT_FILE: '/tls/tls.crt' }))
      .toEqual(['TLS_KEY_FILE: required when TLS_CERT_FILE is set']);
    expect(problemsOf({ ...keyed, TLS_KEY_FILE: '/tls/tls.key', TLS_CERT_FILE: '' }))
      .toEqual(['TLS_CERT_FILE: required when TLS_KEY_FILE is set']);
  });
});
