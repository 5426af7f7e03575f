import { loadConfig } from './config.js';
import { startServer } from './server.js';
import { startSimulator } from './simulator/index.js';

// `npm run demo`: the simulated Genesys, CRM and orders backends plus the service wired to them,
// accepting API key `demo-key` on both route families. Any variable set in the environment wins.

const DEMO_KEY = 'demo-key';
const sim = await startSimulator({ recordRequests: false, latencyMs: Number(process.env.SIM_LATENCY_MS ?? 20) });
const config = loadConfig({
  DATA_ACTION_API_KEYS: DEMO_KEY,
  INGEST_API_KEYS: DEMO_KEY,
  GENESYS_CLIENT_ID: 'sim-client',
  GENESYS_CLIENT_SECRET: 'sim-secret',
  GENESYS_LOGIN_URL: sim.urls.genesysLogin,
  GENESYS_API_URL: sim.urls.genesysApi,
  CRM_BASE_URL: sim.urls.crm,
  CRM_API_KEY: 'sim-crm-key',
  ORDERS_BASE_URL: sim.urls.orders,
  ORDERS_API_KEY: 'sim-orders-key',
  ...process.env,
  // The key is published in the README: the demo stays on this machine unless HOST says otherwise.
  HOST: process.env.HOST || '127.0.0.1',
});
const app = await startServer(config, () => sim.close());

const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
const base = `http://${host}:${config.port}`;
const now = new Date().toISOString();
// Its detail carries the start time: the first send of each demo run is new, the second a duplicate.
const event = {
  version: '0', id: 'demo-event-1', 'detail-type': 'v2.detail.events.conversation.{id}.customer.start',
  source: 'aws.partner/genesys.com/cloud/demo/bus', account: '123456789012', time: now, region: 'us-east-1',
  resources: [],
  detail: {
    topicName: 'v2.detail.events.conversation.c-1.customer.start', version: '2',
    eventBody: { conversationId: 'c-1' }, metadata: { CorrelationId: 'demo' }, timestamp: now,
  },
};
const post = (path: string, body: unknown) =>
  `curl -s ${base}${path} -H 'x-api-key: ${DEMO_KEY}' -H 'content-type: application/json' -d '${JSON.stringify(body)}'`;
// The simulator says what a control call changed when asked to (Prefer: return=representation).
const control = (method: string, path: string, body?: unknown) => `curl -s -H 'prefer: return=representation' `
  + `-X ${method} ${sim.urls.crm}${path}${body === undefined ? '' : ` -d '${JSON.stringify(body)}'`}`;

app.log.info({ simulator: sim.urls, control: `${sim.urls.crm}/__sim/faults/crm` }, 'demo ready');
const reach = config.host === '127.0.0.1'
  ? 'this machine only (HOST=0.0.0.0 opens it, with that published key)'
  : config.host;
console.log(`
Genesys Data Actions Service demo on ${base} (API key: ${DEMO_KEY}); Ctrl-C stops everything.
It listens on ${reach}.

1. A customer context: the Genesys user, the CRM account and the orders, fetched concurrently
   ("complete": true)
  ${post('/v1/data-actions/customer-context', { customerId: 'c-123', userId: 'u-1', ordersLimit: 3 })}

2. Store an EventBridge event ("accepted": 1); send it again and it is a duplicate ("duplicates": 1)
  ${post('/v1/events/eventbridge', event)}

3. Make the CRM answer 3 s late, over its 1.5 s budget (the simulator prints the fault it set)
  ${control('POST', '/__sim/faults/crm', { latencyMs: 3000 })}
   then ask about a customer the CRM has not answered for yet (answers are cached for 30 s):
   "crm" is "timeout"
  ${post('/v1/data-actions/crm-account', { customerId: 'c-456' })}

4. Clear the faults (the simulator prints "cleared"); the request above then answers "crm" "ok"
  ${control('DELETE', '/__sim/faults')}

5. Health, readiness and metrics
  curl -s ${base}/readyz; echo; curl -s ${base}/metrics
`);
