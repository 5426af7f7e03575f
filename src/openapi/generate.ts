import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { GENESYS_DIR, renderArtifacts } from './artifacts.js';

// `npm run openapi`: writes openapi/openapi.json and openapi/genesys/*.json from the route
// table, and removes Genesys actions whose route no longer exists. Run from the repository root.

const root = resolve(process.cwd());
const files = await renderArtifacts();
mkdirSync(join(root, GENESYS_DIR), { recursive: true });
for (const stale of readdirSync(join(root, GENESYS_DIR))) {
  if (!files.has(`${GENESYS_DIR}/${stale}`)) {
    rmSync(join(root, GENESYS_DIR, stale));
    console.log(`removed ${GENESYS_DIR}/${stale}`);
  }
}
for (const [path, content] of files) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  console.log(`wrote ${path}`);
}
