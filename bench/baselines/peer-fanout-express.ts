// What integrators write instead of the service, for the fan-out: Express 5, axios and
// Promise.allSettled, one pino line per request like every side. No validation, auth, budget,
// retry, cache or circuit: the peer the service is compared with (bench/README.md, "Peers").
import axios from 'axios';
import express from 'express';
import { Agent } from 'node:http';
import pino from 'pino';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const http = axios.create({ httpAgent: new Agent({ keepAlive: true }) });

const basic = Buffer.from(`${env('GENESYS_CLIENT_ID')}:${env('GENESYS_CLIENT_SECRET')}`).toString('base64');
const token = (await http.post(`${env('GENESYS_LOGIN_URL')}/oauth/token`, 'grant_type=client_credentials', {
  headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
})).data.access_token as string;

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const app = express();
app.use(express.json({ limit: '1mb' }));
app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
app.post('/v1/data-actions/customer-context', async (req, res) => {
  const startedAt = Date.now();
  const { customerId, userId, ordersLimit = 5 } =
    req.body as { customerId: string; userId?: string; ordersLimit?: number };
  const [user, crm, orders] = await Promise.allSettled([
    http.get(`${env('GENESYS_API_URL')}/api/v2/users/${encodeURIComponent(userId ?? '')}?expand=presence,routingStatus`,
      { headers: { authorization: `Bearer ${token}` } }),
    http.get(`${env('CRM_BASE_URL')}/v2/accounts`, { params: { id: customerId, include: 'preferences,subscriptions' },
      headers: { 'x-api-key': env('CRM_API_KEY') } }),
    http.post(`${env('ORDERS_BASE_URL')}/v1/orders`, { customerId, status: ['ACTIVE', 'PENDING'], limit: ordersLimit },
      { headers: { authorization: `Bearer ${env('ORDERS_API_KEY')}` } }),
  ]);
  const data = (r: PromiseSettledResult<{ data: Record<string, unknown> }>) =>
    (r.status === 'fulfilled' ? r.value.data : {});
  const u = data(user);
  const c = data(crm);
  const o = data(orders);
  const failed = ['user', 'crm', 'orders'].filter((_, i) => [user, crm, orders][i]!.status === 'rejected');
  const items = Array.isArray(o.results) ? (o.results as Record<string, unknown>[]) : [];
  res.json({
    customerId, complete: failed.length === 0, failedSources: failed.join(','), latencyMs: Date.now() - startedAt,
    user: {
      status: user.status === 'fulfilled' ? 'ok' : 'error', id: str(u.id), name: str(u.name), email: str(u.email),
    },
    crm: {
      status: crm.status === 'fulfilled' ? 'ok' : 'error', accountId: str(c.id), name: str(c.name), tier: str(c.tier),
    },
    orders: { status: orders.status === 'fulfilled' ? 'ok' : 'error', count: items.length, items },
  });
  log.info({
    method: req.method, url: req.url, statusCode: res.statusCode, responseTimeMs: Date.now() - startedAt,
  }, 'request');
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
