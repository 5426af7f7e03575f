import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { actionsDir, renderArtifacts } from './artifacts.js';

// `npm run openapi`: writes openapi/openapi.json, openapi/genesys/*.json and the generated tables
// of docs/contract.md and the README from the route table, and removes Genesys actions whose route
// no longer exists. Run from the repository root. With BACKENDS_FILE set, a deployment's own
// document and actions go to dist/openapi/ instead (docs/backends.md).
// `npm run openapi -- --secure`: writes the same actions marked secure into dist/genesys-secure/
// and nothing else, so the committed files never depend on how the generator was called
// (docs/genesys-data-actions.md). Any other argument is refused before anything is written.

const USAGE = 'usage: npm run openapi [-- --secure]';
const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== '--secure');
if (unknown.length > 0) {
  console.error(`unknown argument: ${unknown.join(' ')}\n${USAGE}`);
  process.exit(2);
}

const backendsFile = process.env.BACKENDS_FILE || undefined;
const options = { secure: args.includes('--secure'), ...(backendsFile && { backendsFile }) };
const root = resolve(process.cwd());
const dir = actionsDir(options);
const files = await renderArtifacts(options);
mkdirSync(join(root, dir), { recursive: true });
for (const stale of readdirSync(join(root, dir))) {
  if (!files.has(`${dir}/${stale}`)) {
    rmSync(join(root, dir, stale));
    console.log(`removed ${dir}/${stale}`);
  }
}
for (const [path, content] of files) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  console.log(`wrote ${path}`);
}
