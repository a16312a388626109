// Measuring one run in this process: wall time, CPU time (process.cpuUsage), and peak RSS sampled every
// 10 ms. A full GC runs first, so one run's garbage is not charged to the next.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// `npm run bench` is plain `tsx bench/run.ts`; --expose-gc can still be switched on at run time.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export interface RunMeasure {
  wallMs: number;
  /** User + system CPU of this process during the run. */
  cpuMs: number;
  rssBeforeMb: number;
  peakRssMb: number;
}

const mb = (bytes: number) => bytes / (1024 * 1024);

export async function measured<T>(fn: () => Promise<T>): Promise<{ m: RunMeasure; result: T }> {
  gc();
  const rssBefore = process.memoryUsage.rss();
  let peak = rssBefore;
  // Samples run on this event loop, so a long synchronous stretch delays them; the RSS grown during it is
  // mostly still there at the next sample (the heap shrinks at a later GC), and the last sample is taken
  // right after the run.
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 10);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const result = await fn();
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    peak = Math.max(peak, process.memoryUsage.rss());
    return { m: { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, rssBeforeMb: mb(rssBefore), peakRssMb: mb(peak) }, result };
  } finally {
    clearInterval(sampler);
  }
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** a / b, or NaN when b is not a positive finite number (a ratio that cannot be computed says so). */
export const ratio = (a: number, b: number): number => (Number.isFinite(b) && b > 0 ? a / b : Number.NaN);
