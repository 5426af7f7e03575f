// Builds the app from this process's environment and prints, as one JSON line, the packages
// loaded once it is ready (test/loaded-when-used.test.ts runs it as a process of its own).
import { createRequire } from 'node:module';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

const app = await buildApp(loadConfig(process.env), { logger: false });
await app.ready();
const names = Object.keys(createRequire(import.meta.url).cache)
  .map((file) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1])
  .filter((name) => name !== undefined);
process.stdout.write(`${JSON.stringify([...new Set(names)].sort())}\n`);
await app.close();
