// The batch jobs phase of `npm run bench`: one job of 100,000 mixed items (2,000 with --quick) through the
// real server process (`node dist/main.js`, NODE_ENV=production), the emulators in a process of their own
// at the bench's vendor latency. Measured: the job's wall time from submission to COMPLETED against the
// ideal critical path (bench/workload.ts, the same vendor rules and taskhub limits) and against the direct
// baseline sending the same items (bench/baseline.ts); the server's peak RSS (VmHWM from /proc, so no
// spike between samples is missed); and how fast all results page out with results(first:, after:).
// Jobs in memory by default (no TASKHUB_REDIS_URL); on a real redis-server too with --job-stores memory,redis.

import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulatorProcess } from './emulator-process.js';
import { createDirect } from './direct.js';
import { runDirectBatch } from './baseline.js';
import { startTaskhub } from './peers/targets.js';
import { ratio } from './measure.js';
import { graphqlData } from './graphql.js';
import { batchItems, idealPath } from './workload.js';
import type { Backend } from '../src/domain.js';
import { startRedis } from '../test/support/redis.js';

export type JobStoreKind = 'memory' | 'redis';

export interface JobsRun {
  store: JobStoreKind;
  nodeFlags: string[];
  items: number;
  latencyMs: number;
  idealMs: number;
  idealPerBackendMs: Record<Backend, number>;
  /** startBatchUpdateJob's round trip (the upload, parsed and stored; the job then runs on its own). */
  submitMs: number;
  /** From sending startBatchUpdateJob to seeing the job COMPLETED (polled every 100 ms). */
  wallMs: number;
  /** The server's own startedAt → finishedAt. */
  runMs: number;
  baselineMs: number;
  baselineConfirmed: number;
  succeeded: number; accepted: number; failed: number;
  rssAfterStartMb: number;
  /** The highest RSS from just before the submission to the job's end: the larger of the two below. */
  peakRssMb: number;
  /** VmHWM when startBatchUpdateJob answered (the upload parsed, planned and stored). */
  submitPeakRssMb: number;
  /** VmHWM from then to COMPLETED. */
  runPeakRssMb: number;
  /** VmHWM after every result was paged out. */
  peakRssAfterPagingMb: number;
  pageSize: number;
  pages: number;
  pagedItems: number;
  pagingMs: number;
  pagingItemsPerSec: number;
  /** Every result came back once, in input order. */
  resultsInOrder: boolean;
  loadAverage: { before: number; after: number };
  wallVsIdeal: number;
  wallVsBaseline: number;
}

const START = `mutation($input: BatchUpdateJobInput!) { startBatchUpdateJob(input: $input) { id state total } }`;
const STATE = `query($id: ID!) { batchUpdateJob(id: $id) { state done succeeded accepted failed startedAt finishedAt } }`;
// What a client reading a job's results would select: each item's outcome, no task read back.
const PAGE = `query($id: ID!, $first: Int!, $after: String) { batchUpdateJob(id: $id) { results(first: $first, after: $after) {
  edges { cursor node { __typename ... on TaskUpdateOutcome { index backend nativeId } ... on TaskUpdateError { code message retryable } } }
  pageInfo { hasNextPage endCursor } } } }`;
/** results(first:) at most (src/schema/jobs.ts). */
const PAGE_SIZE = 5_000;

/** VmHWM / VmRSS of one process, in MB. */
function procMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

export async function runJobsPhase(opts: {
  items: number; latencyMs: number; stores: JobStoreKind[]; log: (line: string) => void;
  /** Node flags for the server process (e.g. --max-old-space-size=192); none by default, as `npm start`. */
  nodeFlags?: string[];
}): Promise<JobsRun[]> {
  const runs: JobsRun[] = [];
  const emu = await startEmulatorProcess({ latencyMs: opts.latencyMs, extraTasks: Math.ceil(opts.items / 4) }, opts.log);
  try {
    let run = 0;
    for (const store of opts.stores) runs.push(await oneJob(store, ++run));
    return runs;
  } finally {
    await emu.close();
  }

  async function oneJob(store: JobStoreKind, runNo: number): Promise<JobsRun> {
    const { items: size, latencyMs, log } = opts;
    const loadBefore = loadavg()[0]!;
    const redis = store === 'redis' ? await startRedis() : undefined;
    const k2 = emu.settings.K2!;
    const nodeFlags = opts.nodeFlags ?? [];
    const taskhub = await startTaskhub(emu.settings, {
      K2_BASE_URL: k2.baseUrl, K2_USERNAME: k2.username, K2_PASSWORD: k2.password,
      TASKHUB_MAX_JOB_ITEMS: String(Math.max(size, 100_000)), TASKHUB_MAX_BODY_BYTES: String(64 * 2 ** 20),
      ...(redis ? { TASKHUB_REDIS_URL: redis.url } : {}),
    }, nodeFlags);
    try {
      await sleep(2_000); // start-up garbage collected, readiness pings done
      const rssAfterStartMb = procMb(taskhub.pid, 'VmRSS');
      // The peak is the job's, not start-up's: "5" resets VmHWM to VmRSS.
      writeFileSync(`/proc/${taskhub.pid}/clear_refs`, '5');
      // Serialising the request is the client's work, done before the clock starts.
      const items = batchItems(size, emu.ids, runNo * 2 - 1);
      const body = JSON.stringify({ query: START, variables: { input: { items } } });
      const t0 = performance.now();
      const res = await fetch(taskhub.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
      const started = (await res.json()) as { data?: { startBatchUpdateJob: { id: string } }; errors?: unknown[] };
      const submitMs = performance.now() - t0;
      // Taking the upload in (parse, validate, plan, store) and running the job are two peaks: each is kept.
      const submitPeakRssMb = procMb(taskhub.pid, 'VmHWM');
      writeFileSync(`/proc/${taskhub.pid}/clear_refs`, '5');
      if (!started.data) throw new Error(`startBatchUpdateJob failed: HTTP ${res.status} ${JSON.stringify(started.errors).slice(0, 300)}`);
      const id = started.data.startBatchUpdateJob.id;
      let job: any;
      for (;;) {
        job = (await graphqlData(taskhub.url, STATE, { id })).batchUpdateJob;
        if (['COMPLETED', 'CANCELLED', 'FAILED'].includes(job.state)) break;
        await sleep(100);
      }
      const wallMs = performance.now() - t0;
      const runPeakRssMb = procMb(taskhub.pid, 'VmHWM');
      const peakRssMb = Math.max(submitPeakRssMb, runPeakRssMb);
      if (job.state !== 'COMPLETED') throw new Error(`the job ended ${job.state}`);
      const runMs = Date.parse(job.finishedAt) - Date.parse(job.startedAt);
      log(`  jobs (${store}): ${size} items COMPLETED in ${wallMs.toFixed(0)} ms from submission (submit ${submitMs.toFixed(0)} ms, `
        + `run ${runMs} ms); ${job.succeeded} succeeded, ${job.accepted} accepted, ${job.failed} failed; server peak RSS ${submitPeakRssMb.toFixed(0)} MB taking the upload in, ${runPeakRssMb.toFixed(0)} MB running it`);

      // Every result, page by page, one client.
      let after: string | null = null;
      let pages = 0;
      let next = 0;
      let inOrder = true;
      const p0 = performance.now();
      for (;;) {
        const page: any = (await graphqlData(taskhub.url, PAGE, { id, first: PAGE_SIZE, after })).batchUpdateJob.results;
        pages++;
        for (const e of page.edges) if (e.node.index !== next++) inOrder = false;
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      const pagingMs = performance.now() - p0;
      const peakRssAfterPagingMb = procMb(taskhub.pid, 'VmHWM');
      const pagingItemsPerSec = (next / pagingMs) * 1000;
      log(`  jobs (${store}): ${next} results in ${pages} pages of ${PAGE_SIZE} in ${pagingMs.toFixed(0)} ms: ${pagingItemsPerSec.toFixed(0)} items/s; peak RSS now ${peakRssAfterPagingMb.toFixed(0)} MB`);
      await taskhub.stop();

      // The direct baseline: the same vendor calls for the same tasks (new values), one process, no job.
      const direct = createDirect(emu.settings);
      let baselineMs: number;
      let baselineConfirmed: number;
      try {
        await direct.zuoraToken();
        const again = batchItems(size, emu.ids, runNo * 2);
        const b0 = performance.now();
        baselineConfirmed = (await runDirectBatch(direct, again)).confirmed;
        baselineMs = performance.now() - b0;
      } finally {
        await direct.close();
      }
      const ideal = idealPath(size, latencyMs);
      log(`  jobs (${store}): direct baseline ${baselineMs.toFixed(0)} ms (${baselineConfirmed} confirmed); ideal critical path ${ideal.totalMs} ms`);
      return {
        store, nodeFlags, items: size, latencyMs, idealMs: ideal.totalMs, idealPerBackendMs: ideal.perBackendMs, submitMs, wallMs, runMs,
        baselineMs, baselineConfirmed, succeeded: job.succeeded, accepted: job.accepted, failed: job.failed,
        rssAfterStartMb, peakRssMb, submitPeakRssMb, runPeakRssMb, peakRssAfterPagingMb, pageSize: PAGE_SIZE, pages, pagedItems: next, pagingMs, pagingItemsPerSec,
        resultsInOrder: inOrder && next === size, loadAverage: { before: loadBefore, after: loadavg()[0]! },
        wallVsIdeal: ratio(wallMs, ideal.totalMs), wallVsBaseline: ratio(wallMs, baselineMs),
      };
    } finally {
      await taskhub.stop();
      await redis?.close();
    }
  }
}

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');

/** The issue's targets for a 100,000-item job (null: this run had fewer items, e.g. --quick). */
export function jobTargets(runs: readonly JobsRun[]) {
  return runs.flatMap((r) => {
    const full = r.items >= 100_000;
    const check = (target: string, value: number, limit: number, atMost: boolean) => ({
      target: `jobs (${r.store}), ${r.items.toLocaleString('en')} items: ${target}`, value, limit,
      met: !full || !Number.isFinite(value) ? null : atMost ? value <= limit : value >= limit,
    });
    return [
      check('wall / ideal critical path ≤ 1.15', r.wallVsIdeal, 1.15, true),
      check('server peak RSS ≤ 300 MB', r.peakRssMb, 300, true),
      check('results paging ≥ 5,000 items/s', r.pagingItemsPerSec, 5_000, false),
    ];
  });
}

export function jobsMarkdown(runs: readonly JobsRun[]): string {
  const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  const lines = [
    '### Batch jobs (startBatchUpdateJob, one job, items even across the four vendors; `node dist/main.js`)', '',
    row(['store (node flags)', 'items', 'ideal ms (Z/I/K/S)', 'job ms (submit → COMPLETED)', 'submit ms', 'run ms (server)', 'baseline ms',
      'job/ideal', 'job/baseline', 'baseline/ideal', 'peak RSS MB: upload / run (after start)', 'paging items/s (pages)', 'load avg before/after']),
    row(Array(13).fill('---')),
  ];
  for (const r of runs) {
    const p = r.idealPerBackendMs;
    lines.push(row([`${r.store}${r.nodeFlags.length ? ` (${r.nodeFlags.join(' ')})` : ''}`, r.items.toLocaleString('en'), `${f0(r.idealMs)} (${p.ZUORA}/${p.IBM_BPM}/${p.K2}/${p.SUPEROFFICE})`, f0(r.wallMs),
      f0(r.submitMs), f0(r.runMs), f0(r.baselineMs), f2(r.wallVsIdeal), f2(r.wallVsBaseline), f2(ratio(r.baselineMs, r.idealMs)),
      `${f0(r.submitPeakRssMb)} / ${f0(r.runPeakRssMb)} (${f0(r.rssAfterStartMb)})`, `${f0(r.pagingItemsPerSec)} (${r.pages})`,
      `${r.loadAverage.before.toFixed(1)} / ${r.loadAverage.after.toFixed(1)}`]));
  }
  return lines.join('\n');
}
