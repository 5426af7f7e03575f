import type { App } from '../../src/app.js';

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

/**
 * The subset of Velocity our generated request templates use, evaluated the way Genesys does
 * (help.mypurecloud.com "Velocity macros for data actions"): `$!{x}` is empty when x is unset,
 * `#if(...)...#end` guards, `$esc.jsonString()` escapes for a JSON string literal.
 */
export function renderVelocity(template: string, input: Record<string, unknown>): string {
  const present = (name: string) => input[name] !== undefined && input[name] !== '';
  return template
    .replace(/#if\("\$!\{input\.([A-Za-z0-9_-]+)\}" != ""\)(.*?)#end/g, (_m, name: string, body: string) => (present(name) ? body : ''))
    .replace(/\$esc\.jsonString\(\$\{input\.([A-Za-z0-9_-]+)\}\)/g, (_m, name: string) => JSON.stringify(String(input[name])).slice(1, -1))
    .replace(/\$\{input\.([A-Za-z0-9_-]+)\}/g, (m, name: string) => (name in input ? String(input[name]) : m));
}
