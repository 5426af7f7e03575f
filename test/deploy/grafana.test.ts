import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// What Grafana needs of deploy/grafana/dashboard.json beyond its queries (test/deploy/metric-names.test.ts):
// a layout that holds, and every query on the data source the importer picks.

interface Panel {
  id: number; type: string; title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { uid: string }; targets?: { refId: string; expr: string; datasource: { uid: string } }[];
}
const dashboard = JSON.parse(readFileSync(new URL('../../deploy/grafana/dashboard.json', import.meta.url), 'utf8')) as {
  uid: string; panels: Panel[]; templating: { list: { name: string; type: string }[] };
};

const overlap = (a: Panel['gridPos'], b: Panel['gridPos']) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

describe('deploy/grafana/dashboard.json', () => {
  it('lays out panels with unique ids, inside the 24 columns, none over another', () => {
    const { panels } = dashboard;
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
    const clashes = panels.flatMap((a, i) => panels.slice(i + 1)
      .filter((b) => overlap(a.gridPos, b.gridPos)).map((b) => `${a.title} / ${b.title}`));
    expect(clashes).toEqual([]);
  });

  it('queries the Prometheus data source chosen at import, with one refId per query', () => {
    expect(dashboard.templating.list.find((v) => v.name === 'datasource')?.type).toBe('datasource');
    for (const p of dashboard.panels.filter((x) => x.type !== 'row')) {
      expect(p.datasource?.uid, p.title).toBe('${datasource}');
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      expect(new Set(p.targets!.map((t) => t.refId)).size, p.title).toBe(p.targets!.length);
      for (const t of p.targets!) expect(t.datasource.uid, p.title).toBe('${datasource}');
    }
  });
});
