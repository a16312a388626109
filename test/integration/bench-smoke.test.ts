// The benchmark's quick mode, run as CI runs it: every phase completes, both sides did the same work,
// and every ratio could be computed. Only that: how fast anything was is the benchmark's business, never
// a test's (machines are noisy, and a timing threshold would fail for reasons unrelated to the code).

import { describe, expect, it } from 'vitest';
import { runBench } from '../../bench/run.js';

const computed = (label: string, v: number) => {
  expect(Number.isFinite(v), `${label} is a number (got ${v})`).toBe(true);
  expect(v, `${label} is positive`).toBeGreaterThan(0);
};

describe('npm run bench -- --quick', () => {
  it('runs the batch, read, peer, memory and jobs phases and computes every ratio', async () => {
    const r = await runBench({ quick: true, write: false, log: () => {} });

    expect(r.batch.map((b) => b.size)).toEqual([100, 1000]);
    for (const b of r.batch) {
      computed(`${b.size} items: facade / baseline`, b.facadeVsBaseline);
      computed(`${b.size} items: facade / ideal`, b.facadeVsIdeal);
      computed(`${b.size} items: baseline / ideal`, b.baselineVsIdeal);
      computed(`${b.size} items: facade CPU`, b.facade.cpuMs);
      computed(`${b.size} items: facade peak RSS`, b.facade.peakRssMb);
      // The ratios compare like with like: every item confirmed, the same vendor calls on both sides.
      expect(b.facade.confirmed).toBe(b.size);
      expect(b.baseline.confirmed).toBe(b.size);
      expect(b.sameCalls).toBe(true);
    }

    expect(r.reads.map((x) => x.op)).toEqual(['list100', 'nodes50']);
    for (const x of r.reads) {
      computed(`${x.op}: throughput ratio`, x.throughputRatio);
      computed(`${x.op}: p50 ratio`, x.p50Ratio);
      computed(`${x.op}: p99 ratio`, x.p99Ratio);
      expect(x.sameData, `${x.op}: the facade and the baseline answer the same data`).toBe(true);
    }

    // Peers: R1 and R2 against the direct script, Mesh + Hive Gateway and taskhub (dist/, built by npm test).
    expect(r.peers, 'the peer phase ran').toBeDefined();
    const peers = r.peers!;
    expect(peers.rows.map((x) => `${x.workload} ${x.target}`)).toEqual(
      ['R1 direct', 'R1 mesh', 'R1 taskhub', 'R2 direct', 'R2 mesh', 'R2 taskhub']);
    for (const x of peers.rows) {
      computed(`${x.workload} ${x.target}: req/s`, x.rps);
      computed(`${x.workload} ${x.target}: CPU ms/request`, x.cpuMsPerRequest);
      expect(x.bad, `${x.workload} ${x.target}: every answer 2xx`).toBe(0);
    }
    for (const x of peers.ratios) {
      computed(`${x.workload} ${x.target}: req/s × direct`, x.rpsVsDirect);
      computed(`${x.workload} ${x.target}: CPU × direct`, x.cpuVsDirect);
      computed(`${x.workload} ${x.target}: req/s × Mesh`, x.rpsVsMesh);
    }
    // The ratios compare like with like: every target answered the same tasks.
    expect(peers.sameTasks).toEqual({ R1: true, R2: true });
    expect(r.markdown).toContain('### Peers');

    // Memory of the real server process: computed, never judged here.
    expect(r.memory, 'the memory phase ran').toBeDefined();
    computed('RSS after start', r.memory!.idleMb);
    computed('RSS after 200 reads', r.memory!.after200ReadsMb);
    computed('RSS peak during the batch', r.memory!.batchPeakMb);
    expect(r.memory!.batchSucceeded).toBe(1000);

    // One batch job (2,000 items in quick mode) through the server process, every result paged out in order.
    expect(r.jobs?.map((j) => j.store), 'the jobs phase ran').toEqual(['memory']);
    const job = r.jobs![0]!;
    expect(job.succeeded + job.accepted).toBe(2000);
    expect(job.baselineConfirmed).toBe(2000);
    expect(job.resultsInOrder).toBe(true);
    computed('job / ideal', job.wallVsIdeal);
    computed('job / baseline', job.wallVsBaseline);
    computed('job peak RSS', job.peakRssMb);
    computed('job results paging rate', job.pagingItemsPerSec);
    expect(r.markdown).toContain('### Batch jobs');

    // The targets are reported (met or not is the benchmark's finding, not this test's).
    expect(r.targets.length).toBeGreaterThan(0);
    expect(r.markdown).toContain('### Targets');
  }, 420_000);
});
