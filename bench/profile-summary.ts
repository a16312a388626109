// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by package or src/
// file, so BENCHMARKS.md can say what bounds a number. Usage:
//   node --cpu-prof --cpu-prof-dir=bench/results/prof --import tsx bench/run.ts --only reads --no-write
//   npx tsx bench/profile-summary.ts bench/results/prof/<file>.cpuprofile [top]

import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

/** Where a frame comes from: an npm package, a file of this repo, or a node/V8 internal. */
export function originOf(url: string): string {
  if (!url) return '(native / V8)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const repo = /\/((?:src|bench|test)\/.+?)(?:\?.*)?$/.exec(url);
  if (repo) return repo[1]!;
  return url.startsWith('node:') ? url : url.replace(/^file:\/\//, '');
}

export function summarise(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totalUs = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const origin = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    const o = originOf(url);
    const key = `${functionName || '(anonymous)'}  ${o}${url ? `:${lineNumber + 1}` : ''}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    origin.set(o, (origin.get(o) ?? 0) + us);
  }
  const idle = [...self].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
  const pct = (us: number) => `${((100 * us) / totalUs).toFixed(1).padStart(5)}%`;
  const list = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, us]) => `${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  return [
    `profile: ${(totalUs / 1e6).toFixed(1)} s sampled, ${pct(idle)} idle`,
    '', 'self time by origin:', ...list(origin), '', 'self time by function:', ...list(fn),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!process.argv[2]) throw new Error('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [top]');
  console.log(summarise(JSON.parse(readFileSync(process.argv[2], 'utf8')) as Profile, Number(process.argv[3] ?? 25)));
}
