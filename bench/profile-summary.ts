// Top self-time functions of a V8 .cpuprofile (from BENCH_CPU_PROF=1, or node --cpu-prof):
//   npx tsx bench/profile-summary.ts bench/results/profiles/<file>.cpuprofile [top=25]
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
// Self time per node = sum of the time deltas of the samples that landed in it.
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

/** Where a function lives: a package, a folder of the service, or node's internals. */
function area(url: string): string {
  if (!url) return '(native/vm)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const own = /\/dist\/(src\/[^/]+|bench\/[^/]+)/.exec(url);
  if (own) return own[1]!.replace(/\.js$/, '');
  return url.startsWith('node:') ? 'node core' : url;
}

const byFunction = new Map<string, number>();
const byArea = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const where = url ? `${path.relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const a = ['(idle)', '(program)', '(garbage collector)'].includes(functionName) ? functionName : area(url);
  byArea.set(a, (byArea.get(a) ?? 0) + us);
  total += us;
}
const idle = ['(idle)', '(program)', '(garbage collector)'];
const busy = total - idle.reduce((s, k) => s + (byFunction.get(k) ?? 0), 0);
console.log(`total ${(total / 1e6).toFixed(1)} s sampled, busy (not idle/program/gc) ${(busy / 1e6).toFixed(1)} s`);
const rows = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25));
for (const [name, us] of rows) {
  console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`);
}
console.log('\nself time by area:');
for (const [name, us] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`);
}
