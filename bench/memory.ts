// The memory phase of `npm run bench`: the resident set of the real server process (`node dist/main.js`,
// NODE_ENV=production) pointed at external vendors (the emulators in a process of their own), read from
// /proc. Two server processes, each fresh: one against the peers' vendors (100 tasks each, the three JSON
// vendors) for RSS after start and after 200 reads (R1 and R2 of issue 10, alternating, one at a time);
// one against all four vendors holding enough tasks for the peak during one batchUpdateTasks of 10,000
// items at 20 ms vendor latency (sampled every 10 ms). Separate, because SuperOffice's unpaged list would
// make R1 read all 2,500 batch tasks.
// After the reads, the first server also idles (up to 45 s, full runs only) for the RSS it settles to at
// rest: V8's memory reducer shrinks the heap once allocation has stopped for a while (8 s, then a few
// collections), which the 1 s after the reads does not show.

import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulatorProcess } from './emulator-process.js';
import { treeUsage } from './peers/processes.js';
import { startTaskhub } from './peers/targets.js';
import { pickR2Ids, taskhubR1, taskhubR2 } from './peers/workloads.js';
import { BATCH_MUTATION, batchItems } from './workload.js';
import { postGraphql } from './graphql.js';

export interface MemoryResult {
  idleMb: number;
  /** After 200 reads (20 in --quick). */
  after200ReadsMb: number;
  /** The lowest RSS while idle after the reads, and how many seconds after the reads it was first seen. */
  atRest?: { mb: number; afterSeconds: number };
  batchItems: number;
  batchPeakMb: number;
  batchSucceeded: number;
}

const mb = (pid: number) => treeUsage(pid).rssBytes / 2 ** 20;

export async function runMemoryPhase(opts: { batchItems: number; reads: number; restSeconds: number; log: (line: string) => void }): Promise<MemoryResult> {
  const reads = await readsRss(opts.reads, opts.restSeconds, opts.log);
  const { peakMb, succeeded } = await batchPeakRss(opts.batchItems, opts.log);
  return { ...reads, batchItems: opts.batchItems, batchPeakMb: peakMb, batchSucceeded: succeeded };
}

async function readsRss(reads: number, restSeconds: number, log: (line: string) => void): Promise<Pick<MemoryResult, 'idleMb' | 'after200ReadsMb' | 'atRest'>> {
  const emu = await startEmulatorProcess({ latencyMs: 5, extraTasks: 100 }, log);
  const taskhub = await startTaskhub(emu.settings);
  try {
    await sleep(2_000); // start-up garbage collected, readiness pings done
    const idleMb = mb(taskhub.pid);

    const r1 = await postGraphql(taskhub.url, taskhubR1);
    if (r1.errors) throw new Error(`R1 failed: ${JSON.stringify(r1.errors)}`);
    const ids = (alias: string) => (r1.data[alias].edges as Array<{ node: { nativeId: string } }>).map((e) => e.node.nativeId);
    const r2 = taskhubR2(pickR2Ids({ zuora: ids('zuora'), ibm: ids('ibm'), superoffice: ids('superoffice') }));
    for (let i = 1; i < reads; i++) {
      const r = await postGraphql(taskhub.url, i % 2 ? r2 : taskhubR1);
      if (r.errors) throw new Error(`read ${i} failed: ${JSON.stringify(r.errors).slice(0, 300)}`);
    }
    await sleep(1_000);
    const after200ReadsMb = mb(taskhub.pid);
    log(`  taskhub RSS: ${idleMb.toFixed(0)} MB after start, ${after200ReadsMb.toFixed(0)} MB after ${reads} reads`);
    const atRest = restSeconds > 0 ? await settledRss(taskhub.pid, after200ReadsMb, restSeconds) : undefined;
    if (atRest) log(`  taskhub RSS at rest: ${atRest.mb.toFixed(0)} MB, first seen ${atRest.afterSeconds} s after the reads`);
    return { idleMb, after200ReadsMb, ...(atRest ? { atRest } : {}) };
  } finally {
    await taskhub.stop();
    await emu.close();
  }
}

/**
 * Samples RSS every second for up to `maxSeconds` of idling and returns the lowest. It stops early once the
 * RSS has stayed at least 10 % under `startMb` for three samples: the memory reducer has run.
 */
async function settledRss(pid: number, startMb: number, maxSeconds: number): Promise<{ mb: number; afterSeconds: number }> {
  let low = { mb: startMb, afterSeconds: 1 };
  let below = 0;
  for (let s = 2; s <= maxSeconds; s++) {
    await sleep(1_000);
    const now = mb(pid);
    if (now < low.mb) low = { mb: now, afterSeconds: s };
    below = now <= startMb * 0.9 ? below + 1 : 0;
    if (below >= 3) break;
  }
  return low;
}

async function batchPeakRss(items: number, log: (line: string) => void): Promise<{ peakMb: number; succeeded: number }> {
  const emu = await startEmulatorProcess({ latencyMs: 20, extraTasks: Math.ceil(items / 4) }, log);
  const k2 = emu.settings.K2!;
  const taskhub = await startTaskhub(emu.settings, {
    K2_BASE_URL: k2.baseUrl, K2_USERNAME: k2.username, K2_PASSWORD: k2.password, TASKHUB_MAX_BATCH_ITEMS: String(items),
  });
  try {
    await sleep(2_000);
    let peak = mb(taskhub.pid);
    const sampler = setInterval(() => { peak = Math.max(peak, mb(taskhub.pid)); }, 10);
    const batch = await postGraphql(taskhub.url, BATCH_MUTATION, { input: { items: batchItems(items, emu.ids, 1) } });
    clearInterval(sampler);
    peak = Math.max(peak, mb(taskhub.pid));
    if (batch.errors) throw new Error(`batch failed: ${JSON.stringify(batch.errors).slice(0, 300)}`);
    const succeeded = (batch.data.batchUpdateTasks.succeeded as number) + (batch.data.batchUpdateTasks.accepted as number);
    log(`  taskhub RSS peak during a ${items}-item batch: ${peak.toFixed(0)} MB (${succeeded} items confirmed or accepted)`);
    return { peakMb: peak, succeeded };
  } finally {
    await taskhub.stop();
    await emu.close();
  }
}

export function memoryMarkdown(m: MemoryResult): string {
  return [
    '### Memory: the server process (`node dist/main.js`), RSS from /proc, external vendors',
    '',
    '| after start | after 200 reads (R1/R2), 1 s later | at rest after the reads (first seen) | peak during a batch | batch items |',
    '|---|---|---|---|---|',
    `| ${m.idleMb.toFixed(0)} MB | ${m.after200ReadsMb.toFixed(0)} MB | ${m.atRest ? `${m.atRest.mb.toFixed(0)} MB (${m.atRest.afterSeconds} s)` : '–'} `
      + `| ${m.batchPeakMb.toFixed(0)} MB | ${m.batchItems.toLocaleString('en')} |`,
  ].join('\n');
}
