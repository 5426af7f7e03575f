import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/http/errors.js';
import { coerce, compile, compileFields, mapFields } from '../../src/backends/mapping.js';

// The mapping of a declared backend's answer (docs/backends.md, "Mapping the answer").

describe('expressions', () => {
  // Plain paths are read directly instead of through JSONata's evaluator: the result must be
  // JSONata's own on every shape, arrays and singletons included.
  const cases: [string, unknown][] = [
    ['a', { a: [1] }], ['a', { a: [1, 2] }], ['a.b', { a: { b: 2 } }], ['a[0]', { a: [5, 6] }], ['a[0]', { a: 7 }],
    ['a[1]', { a: 7 }], ['a[-1]', { a: [1, 2, 3] }], ['records[0].Name', { records: [{ Name: 'x' }] }],
    ['records[0].Name', { records: [] }], ['a', { a: { x: 1 } }], ['a.b', { a: null }], ['a', {}], ['a.b', { a: 's' }],
    ['a', { a: [] }], ['a.b', { a: [{ b: 1 }, { b: 2 }] }], ['a.b', [{ a: { b: 1 } }]], ['a', null], ['a', 'text'],
    ['properties.email', { properties: { email: 'e@x' } }], ['a.b.c', { a: { b: [{ c: 1 }] } }],
  ];
  it.each(cases)('%s on %j reads what JSONata reads', async (source, data) => {
    expect(await compile(source)(data)).toEqual(await jsonata(source).evaluate(data));
  });

  it('evaluates any other expression with JSONata', async () => {
    expect(await compile('$count(subs[status = "ACTIVE"])')({ subs: [{ status: 'ACTIVE' }, { status: 'X' }] })).toBe(1);
    expect(await compile('first & " " & last')({ first: 'Ada', last: 'L' })).toBe('Ada L');
  });

  it('refuses a syntax error with its position', () => {
    expect(() => compile('a.(b')).toThrow(/^JSONata syntax error at 4: Expected "\)"/);
  });
});

describe('fields', () => {
  it('coerces to the declared type or gives up', () => {
    expect([coerce('string', 42), coerce('string', true), coerce('string', {}), coerce('string', null)])
      .toEqual(['42', 'true', undefined, undefined]);
    expect([coerce('integer', '42'), coerce('integer', 4.5), coerce('integer', ' 7 '), coerce('integer', 'x')])
      .toEqual([42, undefined, 7, undefined]);
    expect([coerce('number', '4.5'), coerce('number', ''), coerce('number', Infinity), coerce('number', 3)])
      .toEqual([4.5, undefined, undefined, 3]);
    expect([coerce('boolean', 'true'), coerce('boolean', 'false'), coerce('boolean', 1), coerce('boolean', false)])
      .toEqual([true, false, undefined, false]);
  });

  it('never answers null: a missing or wrong value takes the default, or the empty value of its type', async () => {
    const problems: string[] = [];
    const fields = compileFields({
      name: { type: 'string', from: 'name' },
      tier: { type: 'string', from: 'tier', default: 'STANDARD' },
      deals: { type: 'integer', from: 'properties.deals' },
      vip: { type: 'boolean', from: 'properties.vip' },
      score: { type: 'number', from: 'score', default: '2.5' },
    }, 'output', problems);
    expect(problems).toEqual([]);
    const answer = { name: null, tier: { x: 1 }, properties: { deals: '3', vip: 'true' }, score: 'n/a' };
    expect(await mapFields(fields, answer, 'crm'))
      .toEqual({ name: '', tier: 'STANDARD', deals: 3, vip: true, score: 2.5 });
  });

  it('makes a required field that is missing, and an expression that fails, an unreadable answer', async () => {
    const problems: string[] = [];
    const required = compileFields({ id: { type: 'string', from: 'Id', required: true } }, 'output', problems);
    await expect(mapFields(required, { Name: 'x' }, 'crm'))
      .rejects.toThrow(new UpstreamError('UPSTREAM_BAD_RESPONSE', 'crm sent an answer without id'));
    const failing = compileFields({ n: { type: 'number', from: '$number(name)' } }, 'output', problems);
    const err = await mapFields(failing, { name: 'abc' }, 'crm').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).code).toBe('UPSTREAM_BAD_RESPONSE');
    expect((err as Error).message).toBe('crm sent an answer the mapping of n could not read');
  });

  it('names a field whose expression does not compile by its place', () => {
    const problems: string[] = [];
    compileFields({ tier: { type: 'string', from: 'tier[' } }, 'output', problems);
    expect(problems).toEqual([expect.stringMatching(/^output\.tier\.from: JSONata syntax error/)]);
  });
});
