import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

// Just enough PromQL reading to list the series an expression selects: the metric names and the
// label matchers of each vector selector. Not a parser: it relies on the expressions of
// deploy/ being written the usual way (selectors as name{...}, grouping as `by (...)`).

export interface Matcher { label: string; op: '=' | '!=' | '=~' | '!~'; value: string }
export interface Selector { name: string; matchers: Matcher[] }

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or',
  'unless', 'offset', 'inf', 'nan']);
const MATCHER = /([A-Za-z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;

/** Every vector selector of `expr`, with its metric name and label matchers. */
export function selectors(expr: string): Selector[] {
  const found: Selector[] = [];
  // Label lists of grouping and vector matching hold label names, not metrics.
  let rest = expr.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  // Ranges and subqueries: [5m], [$__rate_interval], [30m:1m].
  rest = rest.replace(/\[[^\]]*\]/g, ' ');
  rest = rest.replace(/([A-Za-z_:][\w:]*)?\s*\{([^}]*)\}/g, (_all, name: string | undefined, body: string) => {
    const matchers = [...body.matchAll(MATCHER)].map(([, label, op, value]) =>
      ({ label: label!, op: op as Matcher['op'], value: value!.replace(/\\(.)/g, '$1') }));
    const named = matchers.find((m) => m.label === '__name__' && m.op === '=');
    found.push({ name: name ?? named?.value ?? '', matchers: matchers.filter((m) => m.label !== '__name__') });
    return ' ';
  });
  rest = rest.replace(/"(?:[^"\\]|\\.)*"/g, ' ');
  for (const [, name] of rest.matchAll(/(?<![\w:.$])([A-Za-z_:][\w:]*)(?!\s*\(|[\w:])/g)) {
    if (!KEYWORDS.has(name!.toLowerCase())) found.push({ name: name!, matchers: [] });
  }
  return found;
}

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** The expression of every alerting and recording rule of deploy/prometheus/alerts.yaml. */
export function ruleExpressions(): { name: string; expr: string }[] {
  const file = parse(read('deploy/prometheus/alerts.yaml')) as { groups: { rules: Record<string, string>[] }[] };
  return file.groups.flatMap((g) => g.rules.map((r) => ({ name: r.alert ?? r.record!, expr: r.expr! })));
}

interface Target { expr?: string; query?: string | { query: string }; definition?: string }

/** Every query of deploy/grafana/dashboard.json: panels, annotations, variables (`label_values(expr, label)`). */
export function dashboardExpressions(): { name: string; expr: string }[] {
  const dashboard = JSON.parse(read('deploy/grafana/dashboard.json')) as {
    panels: { title: string; targets?: Target[] }[];
    annotations: { list: (Target & { name: string })[] };
    templating: { list: (Target & { name: string; type: string })[] };
  };
  const variables = dashboard.templating.list.filter((v) => v.type === 'query').map((v) => {
    const query = typeof v.query === 'string' ? v.query : v.query!.query;
    return { name: `variable ${v.name}`, expr: /^label_values\((.*),\s*\w+\)$/.exec(query)?.[1] ?? query };
  });
  return [
    ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ name: p.title, expr: t.expr! }))),
    ...dashboard.annotations.list.map((a) => ({ name: `annotation ${a.name}`, expr: a.expr! })),
    ...variables,
  ];
}
