// The batch phase: batchUpdateTasks through the facade against the direct-call baseline, interleaved
// (F B, B F, F B ...) at each size, every run on the same tasks with new values, and both compared
// with the ideal critical path. Every run's vendor calls are counted in the emulator process, so
// "the baseline makes the same calls" is checked, not assumed.

import type { Backend } from '../src/domain.js';
import { createDirect } from './direct.js';
import { runDirectBatch } from './baseline.js';
import type { CallCounts } from './emulators.js';
import { startEmulatorProcess } from './emulator-process.js';
import { startFacade } from './facade.js';
import { measured, median, ratio } from './measure.js';
import type { RunMeasure } from './measure.js';
import { BATCH_MUTATION, batchItems, idealPath } from './workload.js';

export type Impl = 'facade' | 'baseline';

export interface BatchRun extends RunMeasure {
  impl: Impl; size: number; confirmed: number; calls: CallCounts;
  /** From the start of the run to the first vendor call's arrival: parsing, validation, planning. */
  beforeFirstCallMs: number;
  /** From the last vendor call's answer (arrival + latency) to the end of the run: merging, the response. */
  afterLastReplyMs: number;
}

export interface ImplSummary {
  /** Medians over the repetitions; peak RSS is the highest seen. */
  wallMs: number; cpuMs: number; peakRssMb: number; rssBeforeMb: number; confirmed: number;
  beforeFirstCallMs: number; afterLastReplyMs: number;
  calls: Record<Backend, number>;
}

export interface BatchSize {
  size: number;
  idealMs: number;
  idealPerBackendMs: Record<Backend, number>;
  facade: ImplSummary;
  baseline: ImplSummary;
  facadeVsBaseline: number;
  facadeVsIdeal: number;
  baselineVsIdeal: number;
  /** Both made exactly the same number of calls per vendor and method in every run. */
  sameCalls: boolean;
}

export interface BatchPhaseOptions {
  sizes: number[]; reps: number;
  /** Unmeasured facade + baseline pairs first. */
  warmups: number;
  latencyMs: number; log: (line: string) => void;
}

const total = (c: CallCounts) => Object.fromEntries(Object.entries(c).map(([b, m]) =>
  [b, Object.values(m).reduce((x, y) => x + y, 0)])) as Record<Backend, number>;
const callKey = (c: CallCounts) => JSON.stringify(Object.entries(c).map(([b, m]) => [b, Object.entries(m).sort()]).sort());

export async function runBatchPhase(opts: BatchPhaseOptions): Promise<{ sizes: BatchSize[]; runs: BatchRun[] }> {
  const maxSize = Math.max(...opts.sizes);
  const emu = await startEmulatorProcess({ latencyMs: opts.latencyMs, extraTasks: Math.ceil(maxSize / 4) }, opts.log);
  const facade = await startFacade(emu.settings);
  const direct = createDirect(emu.settings);
  let runNo = 0;
  const runs: BatchRun[] = [];
  try {
    const one = async (impl: Impl, size: number, record: boolean): Promise<void> => {
      const items = batchItems(size, emu.ids, ++runNo);
      // Serialising the request is the client's work, done before the clock starts.
      const body = JSON.stringify({ query: BATCH_MUTATION, variables: { input: { items } } });
      await emu.reset();
      let startedAt = 0;
      const { m, result: confirmed } = await measured(async () => {
        startedAt = Date.now();
        if (impl === 'baseline') return (await runDirectBatch(direct, items)).confirmed;
        const res = await facade.post<{ batchUpdateTasks: { succeeded: number } }>(body);
        if (res.status !== 200 || res.json.errors) throw new Error(`facade batch failed: HTTP ${res.status} ${JSON.stringify(res.json.errors)}`);
        return res.json.data!.batchUpdateTasks.succeeded;
      });
      const endedAt = Date.now();
      const calls = await emu.counts();
      const span = await emu.span();
      if (confirmed !== size) opts.log(`  warning: ${impl} confirmed ${confirmed} of ${size} items`);
      const beforeFirstCallMs = span ? span.firstAt - startedAt : Number.NaN;
      const afterLastReplyMs = span ? endedAt - (span.lastAt + opts.latencyMs) : Number.NaN;
      if (record) runs.push({ impl, size, confirmed, calls, beforeFirstCallMs, afterLastReplyMs, ...m });
      opts.log(`  ${record ? '' : '(warm-up) '}${impl.padEnd(8)} ${String(size).padStart(6)} items: ${m.wallMs.toFixed(0)} ms wall `
        + `(${beforeFirstCallMs} ms to the first call, ${afterLastReplyMs} ms after the last reply), ${m.cpuMs.toFixed(0)} ms CPU, peak RSS ${m.peakRssMb.toFixed(0)} MB`);
    };

    // Warm-up: JIT, sockets and the Zuora token, for both sides.
    const warm = Math.min(1000, maxSize);
    for (let i = 0; i < opts.warmups; i++) { await one('facade', warm, false); await one('baseline', warm, false); }

    for (const size of [...opts.sizes].sort((a, b) => a - b)) {
      for (let rep = 0; rep < opts.reps; rep++) {
        const order: Impl[] = rep % 2 === 0 ? ['facade', 'baseline'] : ['baseline', 'facade'];
        for (const impl of order) await one(impl, size, true);
      }
    }
  } finally {
    await direct.close();
    await facade.close();
    await emu.close();
  }

  const sizes = [...new Set(runs.map((r) => r.size))].map((size): BatchSize => {
    const of = (impl: Impl) => runs.filter((r) => r.size === size && r.impl === impl);
    const summary = (rs: BatchRun[]): ImplSummary => ({
      wallMs: median(rs.map((r) => r.wallMs)), cpuMs: median(rs.map((r) => r.cpuMs)),
      peakRssMb: Math.max(...rs.map((r) => r.peakRssMb)), rssBeforeMb: median(rs.map((r) => r.rssBeforeMb)),
      confirmed: Math.min(...rs.map((r) => r.confirmed)), calls: total(rs[0]!.calls),
      beforeFirstCallMs: median(rs.map((r) => r.beforeFirstCallMs)), afterLastReplyMs: median(rs.map((r) => r.afterLastReplyMs)),
    });
    const f = summary(of('facade'));
    const b = summary(of('baseline'));
    const ideal = idealPath(size, opts.latencyMs);
    return {
      size, idealMs: ideal.totalMs, idealPerBackendMs: ideal.perBackendMs, facade: f, baseline: b,
      facadeVsBaseline: ratio(f.wallMs, b.wallMs), facadeVsIdeal: ratio(f.wallMs, ideal.totalMs),
      baselineVsIdeal: ratio(b.wallMs, ideal.totalMs),
      sameCalls: new Set(runs.filter((r) => r.size === size).map((r) => callKey(r.calls))).size === 1,
    };
  });
  return { sizes, runs };
}
