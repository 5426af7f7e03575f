import { readFileSync, readdirSync } from 'node:fs';
import type { App } from '../../src/app.js';
import { GENESYS_DIR } from '../../src/openapi/artifacts.js';
import type { GenesysAction } from '../../src/openapi/genesys.js';

/** Every (method, url) in the app's route table as Fastify prints it, HEAD twins left out. */
export function routeTable(app: App): { method: string; url: string }[] {
  const routes: { method: string; url: string }[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /(\/\S*) \(([A-Z, ]+)\)/.exec(line);
    if (!match) continue;
    for (const method of match[2]!.split(', ')) if (method !== 'HEAD') routes.push({ method, url: match[1]! });
  }
  return routes;
}

/** The committed importable actions, file name and parsed content. */
export function committedActions(): { file: string; action: GenesysAction }[] {
  const read = (file: string) => JSON.parse(readFileSync(`${GENESYS_DIR}/${file}`, 'utf8')) as GenesysAction;
  return readdirSync(GENESYS_DIR).map((file) => ({ file, action: read(file) }));
}
