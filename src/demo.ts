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
});
const app = await startServer(config, () => sim.close());

const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
const base = `http://${host}:${config.port}`;
const event = {
  version: '0', id: 'demo-event-1', 'detail-type': 'v2.detail.events.conversation.{id}.customer.start',
  source: 'aws.partner/genesys.com/cloud/demo/bus', account: '123456789012', time: new Date().toISOString(),
  region: 'us-east-1', resources: [],
  detail: { topicName: 'v2.detail.events.conversation.c-1.customer.start', version: '2', eventBody: { conversationId: 'c-1' }, metadata: { CorrelationId: 'demo' }, timestamp: new Date().toISOString() },
};
app.log.info({ simulator: sim.urls, control: `${sim.urls.crm}/__sim/faults/crm` }, 'demo ready');
console.log(`
Genesys Data Actions Service demo on ${base} (API key: ${DEMO_KEY}); Ctrl-C stops everything.

  curl -s ${base}/v1/data-actions/customer-context -H 'x-api-key: ${DEMO_KEY}' -H 'content-type: application/json' \\
       -d '{"customerId":"c-123","userId":"u-1","ordersLimit":3}'

  curl -s ${base}/v1/events/eventbridge -H 'x-api-key: ${DEMO_KEY}' -H 'content-type: application/json' \\
       -d '${JSON.stringify(event)}'

  Make the CRM slow, then ask again:  curl -s -X POST ${sim.urls.crm}/__sim/faults/crm -d '{"latencyMs":3000}'
  Clear the faults:                   curl -s -X DELETE ${sim.urls.crm}/__sim/faults
  Health, readiness and metrics:      curl -s ${base}/readyz ; curl -s ${base}/metrics
`);
