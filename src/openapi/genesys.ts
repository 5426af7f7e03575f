import type { Config } from '../config.js';
import { inputContractProblems, outputContractProblems, toContractSchema } from './genesys-contract.js';
import { toJsonSchema, type JsonSchema } from './json-schema.js';
import { DATA_ACTIONS_PREFIX } from './operations.js';
import type { CollectedRoute } from './route-table.js';

// Importable Genesys Cloud "Web Services Data Actions" (integrationType custom-rest-actions),
// in the format Genesys exports them (cf. GenesysCloudBlueprints/*/blueprint/src/*.json).
// The integration carries User Defined credentials with two fields, `baseUrl` and `apiKey`,
// referenced as ${credentials.<field>} ("How to use the User Defined credential type").

export const CATEGORY = 'Genesys Data Actions Service';
export const CREDENTIAL_FIELDS = { baseUrl: 'baseUrl', apiKey: 'apiKey' } as const;
/** Time allowed for the network between Genesys and the service on top of the deadline. */
export const NETWORK_MARGIN_MS = 1000;
const SUCCESS_TEMPLATE = '${rawResult}';

export type GenesysAction = ReturnType<typeof buildAction>;

export interface GenesysActionOptions {
  /**
   * Marks every action as a secure data action ("designed to accept sensitive data"); what that
   * restricts in Architect is in docs/genesys-data-actions.md. Off for the committed files.
   */
  secure?: boolean;
}

const titleOf = (slug: string) => slug.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');

/** Genesys allows 1 to 60 s; the service answers by DATA_ACTION_DEADLINE_MS, so wait a little longer. */
export const timeoutSecondsFor = (deadlineMs: number) =>
  Math.min(60, Math.ceil((deadlineMs + NETWORK_MARGIN_MS) / 1000));

/**
 * The Velocity body, one JSON member per input ("Velocity macros for data actions",
 * help.mypurecloud.com/articles/velocity-macros-data-actions/). Strings go through
 * `$!esc.jsonString(...)`: escaping keeps a quote in an input from breaking the JSON, and the
 * silent form sends "" for an unset required input where the formal form would send the
 * reference's own text. Numbers and booleans go bare, `null` when a required one is unset, so the
 * body stays JSON and the service's 400 names the field. Optional inputs are emitted only when
 * `$!{input.x}` is not empty: unset or "" leaves them out and the service applies its default.
 */
export function requestTemplate(input: JsonSchema): string {
  const properties = (input.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((input.required ?? []) as string[]);
  const isSet = (name: string) => `"$!{input.${name}}" != ""`;
  const value = (name: string) => {
    if (properties[name]!.type === 'string') return `"$!esc.jsonString(\${input.${name}})"`;
    return required.has(name) ? `#if(${isSet(name)})\${input.${name}}#{else}null#end` : `\${input.${name}}`;
  };
  const names = Object.keys(properties);
  const mandatory = names.filter((n) => required.has(n));
  if (mandatory.length === 0) {
    throw new Error('a data action needs at least one required input to anchor the JSON body');
  }
  const head = mandatory.map((n) => `"${n}": ${value(n)}`).join(', ');
  const tail = names.filter((n) => !required.has(n)).map((n) => `#if(${isSet(n)}), "${n}": ${value(n)}#end`).join('');
  return `{${head}${tail}}`;
}

function buildAction(route: CollectedRoute, config: Config, secure: boolean) {
  const slug = route.url.slice(DATA_ACTIONS_PREFIX.length);
  const title = route.title ?? titleOf(slug);
  const name = `${CATEGORY} - ${title}`;
  const input: JsonSchema = {
    title: `${title} input`,
    ...toContractSchema(toJsonSchema(route.schema.body, 'input', 'draft-04').schema),
  };
  const output: JsonSchema = {
    title: `${title} output`,
    ...toContractSchema(toJsonSchema(route.schema.response?.['200'], 'output', 'draft-04').schema),
  };
  return {
    name,
    category: CATEGORY,
    integrationType: 'custom-rest-actions',
    actionType: 'custom',
    config: {
      request: {
        requestUrlTemplate: `\${credentials.${CREDENTIAL_FIELDS.baseUrl}}${route.url}`,
        requestType: 'POST',
        headers: {
          [config.auth.dataActions.apiKeyHeader]: `\${credentials.${CREDENTIAL_FIELDS.apiKey}}`,
          'Content-Type': 'application/json',
        },
        requestTemplate: requestTemplate(input),
      },
      response: { translationMap: {}, translationMapDefaults: {}, successTemplate: SUCCESS_TEMPLATE },
      timeoutSeconds: timeoutSecondsFor(config.dataActionDeadlineMs),
    },
    contract: { input: { inputSchema: input }, output: { successSchema: output } },
    secure,
  };
}

/** A POST /v1/data-actions/* route with body and 200 schemas: what becomes a Genesys data action. */
export const isDataActionRoute = (route: CollectedRoute) => route.method === 'POST'
  && route.url.startsWith(DATA_ACTIONS_PREFIX) && !route.schema.hide
  && route.schema.body !== undefined && route.schema.response?.['200'] !== undefined;

/** One action per data-action route (isDataActionRoute), keyed by file name. */
export function buildGenesysActions(
  routes: CollectedRoute[],
  config: Config,
  { secure = false }: GenesysActionOptions = {},
): Map<string, GenesysAction> {
  const actions = new Map<string, GenesysAction>();
  for (const route of routes) {
    if (!isDataActionRoute(route)) continue;
    const action = buildAction(route, config, secure);
    const problems = actionProblems(action, config);
    if (problems.length > 0) {
      throw new Error(`${route.url} cannot be a Genesys data action:\n  ${problems.join('\n  ')}`);
    }
    actions.set(`${route.url.slice(DATA_ACTIONS_PREFIX.length)}.json`, action);
  }
  return actions;
}

/** Every rule of the import format an action breaks (used by the generator and the tests). */
export function actionProblems(action: GenesysAction, config: Config): string[] {
  const problems: string[] = [];
  const expect = (ok: boolean, message: string) => { if (!ok) problems.push(message); };
  const { request, response, timeoutSeconds } = action.config;
  expect(action.integrationType === 'custom-rest-actions' && action.actionType === 'custom',
    'integrationType/actionType');
  const named = action.category === CATEGORY && action.name.length > 0 && action.name.length <= 256;
  expect(named && typeof action.secure === 'boolean', 'name/category/secure');
  expect(request.requestType === 'POST'
    && request.requestUrlTemplate.startsWith(`\${credentials.${CREDENTIAL_FIELDS.baseUrl}}/`), 'request URL and type');
  expect(request.headers[config.auth.dataActions.apiKeyHeader] === `\${credentials.${CREDENTIAL_FIELDS.apiKey}}`,
    'API key header from the credentials');
  const rawResult = { translationMap: {}, translationMapDefaults: {}, successTemplate: SUCCESS_TEMPLATE };
  expect(JSON.stringify(response) === JSON.stringify(rawResult), 'response passes the raw result through');
  expect(Number.isInteger(timeoutSeconds) && timeoutSeconds >= 1 && timeoutSeconds <= 60
    && timeoutSeconds * 1000 > config.dataActionDeadlineMs, 'timeoutSeconds within 1..60 and above the deadline');
  const input = action.contract.input.inputSchema;
  expect(request.requestTemplate === requestTemplate(input), 'requestTemplate is generated from the input contract');
  const json = JSON.stringify(action.contract);
  expect(!json.includes('"$ref"'), 'contracts do not support $ref');
  return problems.concat(inputContractProblems(input), outputContractProblems(action.contract.output.successSchema));
}
