// The targets of issue 5, checked against one run's ratios, and the markdown tables `npm run bench` prints.

import type { BatchSize } from './batch.js';
import type { ReadResult } from './reads.js';

export interface TargetCheck {
  target: string;
  value: number;
  limit: number;
  /** null when this run did not measure it (e.g. --quick has no 10k batch). */
  met: boolean | null;
}

export function checkTargets(batch: BatchSize[], reads: ReadResult[]): TargetCheck[] {
  const at = (n: number) => batch.find((b) => b.size === n);
  const check = (target: string, value: number | undefined, limit: number, atMost: boolean): TargetCheck => ({
    target, value: value ?? Number.NaN, limit,
    met: value === undefined || !Number.isFinite(value) ? null : atMost ? value <= limit : value >= limit,
  });
  const k1 = at(1000);
  const k10 = at(10_000);
  const out = [
    check('batch wall, 1k items: facade / baseline ≤ 1.10', k1?.facadeVsBaseline, 1.1, true),
    check('batch wall, 10k items: facade / baseline ≤ 1.10', k10?.facadeVsBaseline, 1.1, true),
    check('batch growth: facade 10k time / 1k time ≤ 10.5', k1 && k10 ? k10.facade.wallMs / k1.facade.wallMs : undefined, 10.5, true),
    check('batch peak RSS at 10k items ≤ 300 MB', k10?.facade.peakRssMb, 300, true),
  ];
  for (const r of reads) {
    out.push(check(`reads ${r.op}: throughput facade / baseline ≥ 0.6`, r.throughputRatio, 0.6, false));
    out.push(check(`reads ${r.op}: p99 facade / baseline ≤ 2`, r.p99Ratio, 2, true));
  }
  return out;
}

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');
const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;

export function markdown(batch: BatchSize[], reads: ReadResult[], targets: TargetCheck[]): string {
  const lines: string[] = [];
  if (batch.length) {
    lines.push('### Batch (batchUpdateTasks, items even across the four vendors)', '',
      row(['items', 'ideal ms', 'baseline ms', 'facade ms', 'facade/baseline', 'facade/ideal', 'baseline/ideal',
        'facade CPU ms', 'baseline CPU ms', 'facade ms to 1st call / after last reply', 'baseline ditto', 'calls Z/I/K/S', 'same calls']),
      row(Array(13).fill('---')));
    for (const b of batch) {
      const c = b.facade.calls;
      lines.push(row([b.size, f0(b.idealMs), f0(b.baseline.wallMs), f0(b.facade.wallMs), f2(b.facadeVsBaseline), f2(b.facadeVsIdeal),
        f2(b.baselineVsIdeal), f0(b.facade.cpuMs), f0(b.baseline.cpuMs),
        `${f0(b.facade.beforeFirstCallMs)} / ${f0(b.facade.afterLastReplyMs)}`, `${f0(b.baseline.beforeFirstCallMs)} / ${f0(b.baseline.afterLastReplyMs)}`,
        `${c.ZUORA}/${c.IBM_BPM}/${c.K2}/${c.SUPEROFFICE}`, b.sameCalls ? 'yes' : 'NO']));
    }
    lines.push('', '### Growth (facade)', '', row(['items', 'facade ms', '× previous size', 'ideal × previous', 'CPU ms', 'RSS before MB', 'peak RSS MB']),
      row(Array(7).fill('---')));
    batch.forEach((b, i) => {
      const prev = batch[i - 1];
      lines.push(row([b.size, f0(b.facade.wallMs), prev ? f2(b.facade.wallMs / prev.facade.wallMs) : '–',
        prev ? f2(b.idealMs / prev.idealMs) : '–', f0(b.facade.cpuMs), f0(b.facade.rssBeforeMb), f0(b.facade.peakRssMb)]));
    });
  }
  if (reads.length) {
    lines.push('', '### Reads (32 concurrent clients)', '',
      row(['query', 'baseline req/s', 'facade req/s', 'throughput ratio', 'baseline p50/p99 ms', 'facade p50/p99 ms', 'p99 ratio',
        'CPU ms/req baseline/facade', 'same data']),
      row(Array(9).fill('---')));
    for (const r of reads) {
      lines.push(row([r.op, f0(r.baseline.throughput), f0(r.facade.throughput), f2(r.throughputRatio),
        `${f0(r.baseline.p50Ms)} / ${f0(r.baseline.p99Ms)}`, `${f0(r.facade.p50Ms)} / ${f0(r.facade.p99Ms)}`, f2(r.p99Ratio),
        `${f2(r.baseline.cpuMsPerRequest)} / ${f2(r.facade.cpuMsPerRequest)}`, r.sameData ? 'yes' : 'NO']));
    }
  }
  lines.push('', '### Targets', '', row(['target', 'this run', 'met']), row(['---', '---', '---']));
  for (const t of targets) lines.push(row([t.target, f2(t.value), t.met === null ? 'not measured' : t.met ? 'yes' : '**no**']));
  return lines.join('\n');
}
