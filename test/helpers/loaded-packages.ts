// Run by test/loaded-when-used.test.ts in a process of its own, which nothing else has loaded
// into: builds an app from its environment, answers one traced data action, and prints, as one
// JSON line, whether it was complete and which packages were loaded.
import { createRequire } from 'node:module';
import { buildTestApp, DATA_KEY } from './app.js';

const app = await buildTestApp(process.env);
const res = await app.inject({
  method: 'POST', url: '/v1/data-actions/customer-context', payload: { customerId: 'c-1' },
  headers: { 'x-api-key': DATA_KEY, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
});
await app.close();
const packages = Object.keys(createRequire(import.meta.url).cache)
  .map((file) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1])
  .filter((name) => name !== undefined);
process.stdout.write(`${JSON.stringify({ complete: res.json().complete, packages: [...new Set(packages)].sort() })}\n`);
