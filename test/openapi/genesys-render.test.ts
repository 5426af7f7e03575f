import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { GenesysAction } from '../../src/openapi/genesys.js';
import { withSimulator } from '../data-actions/helpers.js';
import { DATA_KEY } from '../helpers/app.js';
import { committedActions } from './helpers.js';
import { jsonString, renderGenesys } from './velocity.js';

// Each committed action runs as Genesys runs it: URL, headers and body rendered by a real Velocity
// engine, sent over loopback to the service wired to the simulator, and the answer checked against
// the action's successSchema (what Architect's Success outputs are read from).

type Input = Record<string, unknown>;
type Answer = { error?: { code: string; fields: Record<string, string> }; orders?: { status: string; count: number } };

const t = withSimulator();
const actions = committedActions();
const ajv = new Ajv({ allErrors: true });

/** Values a flow could bind, all valid for the service. */
const VALID: Input = { customerId: 'c-1', userId: 'u-1', include: 'user,crm', ordersLimit: 3 };
/** What a caller or a CRM field may hold: quotes, backslashes, `/`, control characters, non-ASCII, Velocity syntax. */
const HOSTILE = 'He said "hi" \\ / \b\f\n\r\t\u0001 é € 😀 $input.customerId #end ${x}';

const inputSchema = (action: GenesysAction) =>
  action.contract.input.inputSchema as { properties: Record<string, { type: string }>; required: string[] };

/** The action's inputs: required ones valid, optional ones set, empty ("") or absent. */
function inputs(action: GenesysAction, optional: 'set' | 'empty' | 'absent'): Input {
  const { properties, required } = inputSchema(action);
  return Object.fromEntries(Object.keys(properties).flatMap((name) => {
    if (required.includes(name) || optional === 'set') return [[name, VALID[name]]];
    return optional === 'empty' ? [[name, '']] : [];
  }));
}

/** A started service and a function that executes an action against it as Genesys does. */
async function genesys() {
  const { app } = await t.setup();
  const credentials = { baseUrl: await app.listen({ host: '127.0.0.1', port: 0 }), apiKey: DATA_KEY };
  return async (action: GenesysAction, input: Input) => {
    const { request } = action.config;
    const render = (template: string) => renderGenesys(template, input, credentials);
    const body = render(request.requestTemplate);
    const res = await fetch(render(request.requestUrlTemplate), {
      method: request.requestType,
      headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, render(value)])),
      body,
    });
    return { body, status: res.status, answer: (await res.json()) as Answer };
  };
}

describe('Genesys data actions rendered by Velocity', () => {
  const modes = ['set', 'empty', 'absent'] as const;
  const cases = actions.flatMap(({ file, action }) => modes.map((optional) => ({ file, action, optional })));

  it.each(cases)('$file, optional inputs $optional: sends what the flow set, answers the successSchema', async (c) => {
    const { action, optional } = c;
    const execute = await genesys();
    const input = inputs(action, optional);
    const { body, status, answer } = await execute(action, input);
    const sent = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== ''));
    expect(JSON.parse(body), body).toEqual(sent);
    expect(status, JSON.stringify(answer)).toBe(200);
    const fits = ajv.compile(action.contract.output.successSchema);
    expect(fits(answer), ajv.errorsText(fits.errors)).toBe(true);
    if (optional === 'set' && answer.orders) {
      const orders = input.include ? { status: 'skipped' } : { status: 'ok', count: VALID.ordersLimit };
      expect(answer.orders).toMatchObject(orders);
    }
  });

  it('escapes like $esc.jsonString (commons-lang3 escapeJson)', () => {
    expect(jsonString('a"b\\c/d')).toBe('a\\"b\\\\c\\/d');
    expect(jsonString('\b\f\n\r\t\u0001\u001f')).toBe('\\b\\f\\n\\r\\t\\u0001\\u001F');
    expect(jsonString('é€😀')).toBe('\\u00E9\\u20AC\\uD83D\\uDE00');
    expect(jsonString(null)).toBeUndefined();
  });

  it.each(actions)('$file sends any string intact as JSON, and the service refuses bad ids by name', async (c) => {
    const { action } = c;
    const execute = await genesys();
    const { properties } = inputSchema(action);
    const strings = Object.keys(properties).filter((name) => properties[name]!.type === 'string');
    const input = { ...inputs(action, 'set'), ...Object.fromEntries(strings.map((n) => [n, HOSTILE])) };
    const { body, status, answer } = await execute(action, input);
    expect(body).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(body)).toEqual(input);
    expect(status).toBe(400);
    expect(answer.error!.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(answer.error!.fields).sort()).toEqual([...strings].sort());
  });

  const required = actions.flatMap(({ file, action }) =>
    inputSchema(action).required.map((name) => ({ file, action, name })));

  it.each(required)('$file: an unset or empty $name is sent as "" and refused with a 400 (Failure path)', async (c) => {
    const { action, name } = c;
    const execute = await genesys();
    for (const value of [undefined, '']) {
      const { body, status, answer } = await execute(action, { ...inputs(action, 'absent'), [name]: value });
      expect(JSON.parse(body)[name], body).toBe('');
      expect(status).toBe(400);
      expect(answer.error).toMatchObject({ code: 'VALIDATION_FAILED', fields: { [name]: expect.any(String) } });
    }
  });
});
