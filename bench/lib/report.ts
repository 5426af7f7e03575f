// The run's outcome: a plain-text table on stdout, bench/results/<name>.json and <name>.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchConfig } from './config.js';
import type { SideSummary } from './rounds.js';
import { round } from './stats.js';

export interface Target {
  name: string;
  goal: string;
  measured: string;
  /** null: not evaluated (route missing, scenario failed). */
  met: boolean | null;
}

export interface ScenarioReport {
  id: string;
  title: string;
  status: 'ok' | 'route missing' | 'failed' | 'skipped';
  settings: string;
  sides: SideSummary[];
  facts: [string, string][];
  targets: Target[];
  note?: string;
  /** A scenario's own comparison, when req/s and latency are not what it is about. */
  table?: { head: string[]; rows: string[][] };
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const num = (x: number, d = 1) => (Number.isFinite(x) ? round(x, d).toLocaleString('en-US') : '-');
const verdict = (t: Target) => (t.met === null ? 'n/a' : t.met ? 'met' : 'NOT met');

function sideRows(sides: SideSummary[]): string[][] {
  return sides.map((s) => [
    s.name, num(s.rps), num(s.p50, 2), num(s.p99, 2), num(s.cpuMsPerReq, 3), num(s.backendCpuMsPerReq, 3),
    String(s.non2xx), String(s.errors), s.rounds.map((r) => num(r.rps, 0)).join(' / '),
  ]);
}

function table(head: string[], rows: string[][]): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => pad(c, w[i]!)).join(' | ')} |`;
  return [line(head), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...rows.map(line)];
}

const SIDE_HEAD = [
  'side', 'req/s (median)', 'p50 ms', 'p99 ms', 'server CPU ms/req', 'simulator CPU ms/req', 'non-2xx', 'errors',
  'req/s per round',
];

export function renderMarkdown(meta: Record<string, unknown>, scenarios: ScenarioReport[]): string {
  const out: string[] = ['# Benchmark results', ''];
  for (const [k, v] of Object.entries(meta)) out.push(`- **${k}**: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  out.push('', '## Targets', '');
  out.push(...table(['scenario', 'target', 'goal', 'measured', 'verdict'],
    scenarios.flatMap((s) => s.targets.map((t) =>
      [s.id, t.name, t.goal, t.measured, s.status === 'ok' ? verdict(t) : s.status]))));
  for (const s of scenarios) {
    out.push('', `## ${s.id}. ${s.title} — ${s.status}`, '', `_${s.settings}_`, '');
    if (s.note) out.push(`> ${s.note}`, '');
    if (s.table) out.push(...table(s.table.head, s.table.rows), '');
    if (s.sides.length > 0) out.push(...table(SIDE_HEAD, sideRows(s.sides)), '');
    for (const [k, v] of s.facts) out.push(`- ${k}: ${v}`);
    const named = s.sides.flatMap((x) => x.rounds.flatMap((r) => r.errorSamples.map((e) => `${x.name}: ${e}`)));
    const samples = [...new Set(named)].slice(0, 5);
    for (const e of samples) out.push(`- non-2xx sample: \`${e.replace(/`/g, "'")}\``);
  }
  return `${out.join('\n')}\n`;
}

export function writeResults(
  cfg: BenchConfig,
  meta: Record<string, unknown>,
  scenarios: ScenarioReport[],
  dir: string,
  name: string,
): string {
  mkdirSync(dir, { recursive: true });
  const md = renderMarkdown(meta, scenarios);
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify({ meta, config: cfg, scenarios }, null, 2)}\n`);
  writeFileSync(path.join(dir, `${name}.md`), md);
  return md;
}

export const fmt = { num, verdict };
