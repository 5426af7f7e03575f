import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { loadBackends } from '../backends/load.js';
import { BUILT_IN_SOURCES } from '../sources/index.js';
import { dataActionTables, errorTable, fillBlocks, variableTables } from './contract-doc.js';
import { buildGenesysActions, type GenesysActionOptions } from './genesys.js';
import { packageFile } from '../package.js';

export const OPENAPI_FILE = 'openapi/openapi.json';
/** Documents with generated tables between `<!-- generated:NAME -->` markers. */
const CONTRACT_FILE = 'docs/contract.md';
const README_FILE = 'README.md';
export const GENESYS_DIR = 'openapi/genesys';
/** Secure copies of the actions: build output, never mistaken for the committed files. */
export const SECURE_GENESYS_DIR = 'dist/genesys-secure';

/** Where a deployment's own backends file generates its document and actions: build output too. */
const DEPLOYMENT_DIR = 'dist/openapi';

export interface ArtifactOptions extends GenesysActionOptions {
  /** A deployment's BACKENDS_FILE: its document and actions go to DEPLOYMENT_DIR. */
  backendsFile?: string;
}

/** Where the Genesys actions of these options are written. */
export const actionsDir = ({ secure = false, backendsFile }: ArtifactOptions = {}) =>
  (secure ? SECURE_GENESYS_DIR : backendsFile ? `${DEPLOYMENT_DIR}/genesys` : GENESYS_DIR);

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * A fixed configuration, independent of the caller's environment, so that the committed files
 * are the same on every machine: defaults everywhere, placeholder keys, no backends.
 */
export function generatorConfig(ingestFileDir: string, backendsFile?: string) {
  return loadConfig({
    DATA_ACTION_API_KEYS: 'generator',
    INGEST_API_KEYS: 'generator',
    INGEST_FILE_DIR: ingestFileDir,
    LOG_LEVEL: 'silent',
    BACKENDS_FILE: backendsFile,
  });
}

/**
 * Builds the real app (without listening) and renders every generated file, path → content.
 * The OpenAPI document is exactly what GET /openapi.json serves with that configuration; the
 * contract and the README get their generated tables (read from the package); with `secure` only
 * the actions are rendered, into SECURE_GENESYS_DIR; with a deployment's `backendsFile` its
 * document and actions, into DEPLOYMENT_DIR.
 */
export async function renderArtifacts(options: ArtifactOptions = {}): Promise<Map<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'gdas-openapi-'));
  const config = generatorConfig(dir, options.backendsFile);
  const app = await buildApp(config, { logger: false });
  try {
    await app.ready();
    const files = new Map<string, string>();
    if (options.backendsFile && !options.secure) {
      files.set(`${DEPLOYMENT_DIR}/openapi.json`, json(app.openapi.document()));
    } else if (!options.secure) {
      files.set(OPENAPI_FILE, json(app.openapi.document()));
      // The variables of the default configuration: the built-in backends and the default file.
      const variables = variableTables([...BUILT_IN_SOURCES, ...loadBackends(undefined, [])]);
      const read = (path: string) => readFileSync(packageFile(path), 'utf8');
      files.set(CONTRACT_FILE, fillBlocks(read(CONTRACT_FILE), {
        'data-actions': dataActionTables(app.openapi.routes('declared')),
        errors: errorTable(),
        variables,
      }));
      files.set(README_FILE, fillBlocks(read(README_FILE), { variables }));
    }
    for (const [name, action] of buildGenesysActions(app.openapi.routes(), config, options)) {
      files.set(`${actionsDir(options)}/${name}`, json(action));
    }
    return files;
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
