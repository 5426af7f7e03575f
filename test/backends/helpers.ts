import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { buildGenesysActions } from '../../src/openapi/genesys.js';
import type { Simulator } from '../../src/simulator/index.js';

/** A declaration of examples/backends/ (salesforce, hubspot, zendesk), as a path for BACKENDS_FILE. */
export const example = (name: string) =>
  fileURLToPath(new URL(`../../examples/backends/${name}.yaml`, import.meta.url));

/** A test-only declaration of test/backends/fixtures/. */
export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}.yaml`, import.meta.url));

/** The variables the examples read, pointing at the simulated vendors with their default credentials. */
export const vendorEnv = (sim: Simulator): Record<string, string> => ({
  SF_INSTANCE_URL: sim.urls.vendors,
  SF_CLIENT_ID: 'sim-sf-client',
  SF_CLIENT_SECRET: 'sim-sf-secret',
  HUBSPOT_BASE_URL: sim.urls.vendors,
  HUBSPOT_TOKEN: 'pat-na1-sim-token',
  ZENDESK_BASE_URL: sim.urls.vendors,
  ZENDESK_EMAIL: 'agent@sim.example.com',
  ZENDESK_API_TOKEN: 'sim-zendesk-token',
});

/** What the simulated vendors received on `path` (a prefix), in order. */
export const received = (sim: Simulator, path: string) =>
  sim.requests('vendors').filter((r) => r.path.startsWith(path));

type Schema = { properties?: Record<string, Schema>; items?: Schema; type?: string };

const ajv = new Ajv({ allErrors: true });

function genesysAction(app: FastifyInstance, route: string) {
  const action = buildGenesysActions(app.openapi.routes(), app.config).get(`${route}.json`);
  if (!action) throw new Error(`no Genesys action for ${route}`);
  return action;
}

/**
 * The fields of `section` in the output contract of the Genesys action generated for `route`, as
 * name -> JSON type; the fields of a list's records as items.<name>.
 */
export function genesysOutput(app: FastifyInstance, route: string, section: string): Record<string, string> {
  const output = genesysAction(app, route).contract.output.successSchema as Schema;
  const entries = Object.entries(output.properties?.[section]?.properties ?? {});
  return Object.fromEntries(entries.flatMap(([name, s]) => [
    [name, s.type ?? ''],
    ...Object.entries(s.items?.properties ?? {}).map(([field, f]) => [`${name}.${field}`, f.type ?? '']),
  ]));
}

/** Why `answer` does not fit the output contract Architect reads it with, or '' when it fits. */
export function genesysMisfit(app: FastifyInstance, route: string, answer: unknown): string {
  const fits = ajv.compile(genesysAction(app, route).contract.output.successSchema);
  return fits(answer) ? '' : ajv.errorsText(fits.errors);
}
