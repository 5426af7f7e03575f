import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { toolAvailable } from './tools.js';

const path = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const RULES = path('deploy/prometheus/alerts.yaml');
const RULE_TESTS = path('deploy/prometheus/alerts.test.yaml');

interface Alert { alert: string; labels: Record<string, string>; annotations: Record<string, string> }
interface RuleTest { alertname: string; exp_alerts: unknown[] }

const alerts = (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: Alert[] }[] })
  .groups.flatMap((g) => g.rules).filter((r) => r.alert);
const ruleTests = (parse(readFileSync(RULE_TESTS, 'utf8')) as { tests: { alert_rule_test: RuleTest[] }[] })
  .tests.flatMap((t) => t.alert_rule_test);

/** The anchors GitHub gives the headings of a Markdown file. */
function anchors(markdown: string): Set<string> {
  return new Set(markdown.split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) =>
    l.replace(/^#+ /, '').trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replaceAll(' ', '-')));
}

describe('deploy/prometheus/alerts.yaml', () => {
  it('gives every alert a severity, a summary, a description and a runbook entry in docs/operations.md', () => {
    const runbook = anchors(readFileSync(path('docs/operations.md'), 'utf8'));
    expect(alerts.length).toBeGreaterThan(10);
    expect(new Set(alerts.map((a) => a.alert)).size).toBe(alerts.length);
    for (const { alert, labels, annotations } of alerts) {
      expect(['critical', 'warning'], alert).toContain(labels.severity);
      expect(annotations.summary, alert).toBeTruthy();
      expect(annotations.description, alert).toBeTruthy();
      expect(annotations.runbook_url, alert).toBe(`docs/operations.md#${alert.toLowerCase()}`);
      expect(runbook.has(alert.toLowerCase()), `docs/operations.md has a heading ${alert}`).toBe(true);
    }
  });

  it('has a unit test of every paging alert, firing and staying quiet', () => {
    for (const { alert } of alerts.filter((a) => a.labels.severity === 'critical')) {
      const cases = ruleTests.filter((t) => t.alertname === alert);
      expect(cases.some((t) => t.exp_alerts.length > 0), `${alert} fires in alerts.test.yaml`).toBe(true);
      expect(cases.some((t) => t.exp_alerts.length === 0), `${alert} stays quiet in alerts.test.yaml`).toBe(true);
    }
  });

  const promtool = toolAvailable('promtool', 'the checks of the alert rules');
  const run = (...args: string[]) => spawnSync('promtool', args, { encoding: 'utf8' });

  it.skipIf(!promtool)('passes promtool check rules', () => {
    const result = run('check', 'rules', RULES);
    expect(result.stdout + result.stderr).toContain(`SUCCESS: ${alerts.length} rules found`);
    expect(result.status).toBe(0);
  });

  it.skipIf(!promtool)('passes its unit tests (promtool test rules deploy/prometheus/alerts.test.yaml)', () => {
    const result = run('test', 'rules', RULE_TESTS);
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.stdout + result.stderr).not.toContain('FAILED');
    expect(result.status).toBe(0);
  });
});
