import { runLoad } from './lib/load.js';
let i = 0;
const body = () => JSON.stringify({ customerId: `c-x${++i}`, userId: `u-x${i}`, ordersLimit: 5 });
for (const d of [3, 8]) {
  const r = await runLoad({ baseUrl: 'http://127.0.0.1:8080', path: '/v1/data-actions/customer-context', connections: 32, durationS: d, headers: { 'x-api-key': 'demo-key' }, body });
  console.log(d, r.rps, r.p50, r.p99, r.non2xx);
}
