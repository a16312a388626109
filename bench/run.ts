// `npm run bench` (full: numbers for BENCHMARKS.md, a few minutes) and `npm run bench -- --quick` (CI
// smoke, 20-30 s: 100 and 1,000 items, and a fixed 64 requests per read target instead of 10 s). The
// facade runs in this process, the vendor emulators and the load generator in child processes; every
// comparison is a ratio between runs made back to back in this one invocation.
// Prints markdown tables and writes the whole result as JSON to bench/results/.
//
// Options: --quick, --latency <ms> (default 20), --only batch|reads|peers|memory|jobs, --sizes 100,1000, --reps <n>,
// --duration <s> (read and peer runs), --rounds <n> (read and peer rounds), --no-write,
// --job-items <n> (default 100,000; 2,000 with --quick), --job-stores memory,redis (default memory),
// --job-node-flags '<flags>' (for the jobs phase's server process, e.g. '--max-old-space-size=192').
// The peer phase (bench/peers/) runs R1/R2 against the direct script, Mesh + Hive Gateway and taskhub
// (`node dist/main.js`, so `npm run bench` builds first) at 5 ms vendor latency, whatever --latency says.

import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runBatchPhase } from './batch.js';
import type { BatchRun, BatchSize } from './batch.js';
import { runReadPhase } from './reads.js';
import type { ReadResult } from './reads.js';
import { memoryMarkdown, runMemoryPhase } from './memory.js';
import type { MemoryResult } from './memory.js';
import { peerMarkdown, runPeerPhase } from './peers/phase.js';
import type { PeerResult } from './peers/phase.js';
import { jobTargets, jobsMarkdown, runJobsPhase } from './jobs.js';
import type { JobStoreKind, JobsRun } from './jobs.js';
import { checkTargets, markdown } from './report.js';
import type { TargetCheck } from './report.js';

export interface BenchOptions {
  quick?: boolean;
  latencyMs?: number;
  only?: 'batch' | 'reads' | 'peers' | 'memory' | 'jobs';
  sizes?: number[];
  reps?: number;
  durationSec?: number;
  rounds?: number;
  jobItems?: number;
  jobStores?: JobStoreKind[];
  /** Node flags for the jobs phase's server process. */
  jobNodeFlags?: string[];
  /** Write bench/results/*.json (default true). */
  write?: boolean;
  log?: (line: string) => void;
}

export interface BenchResult {
  meta: {
    mode: 'quick' | 'full'; startedAt: string; node: string; nproc: number; cpuModel: string; memoryGb: number; latencyMs: number;
    totalSec: number;
    /** 1-minute load average before and after: other work on the machine makes every number noisier. */
    loadAverage: { before: number; after: number };
  };
  batch: BatchSize[];
  batchRuns: BatchRun[];
  reads: ReadResult[];
  /** R1/R2 against the direct script, Mesh + Hive Gateway and taskhub (absent with --only batch|reads). */
  peers?: PeerResult;
  /** The server process's RSS after start, after 200 reads, and its peak during a big batch. */
  memory?: MemoryResult;
  /** One batch job per job store (absent with --only of another phase). */
  jobs?: JobsRun[];
  targets: TargetCheck[];
  markdown: string;
  file?: string;
}

export async function runBench(opts: BenchOptions = {}): Promise<BenchResult> {
  const quick = opts.quick ?? false;
  const log = opts.log ?? ((line: string) => console.log(line));
  const latencyMs = opts.latencyMs ?? 20;
  const startedAt = new Date();
  const t0 = performance.now();
  const loadBefore = loadavg()[0]!;
  log(`taskhub bench (${quick ? 'quick' : 'full'}), vendor latency ${latencyMs} ms, node ${process.version}, ${cpus().length} cores, load average ${loadBefore.toFixed(2)}`);

  let batch: BatchSize[] = [];
  let batchRuns: BatchRun[] = [];
  if (opts.only === undefined || opts.only === 'batch') {
    log('batch:');
    ({ sizes: batch, runs: batchRuns } = await runBatchPhase({
      sizes: opts.sizes ?? (quick ? [100, 1000] : [100, 1000, 10_000]), reps: opts.reps ?? (quick ? 1 : 3),
      warmups: quick ? 1 : 2, latencyMs, log,
    }));
  }
  let reads: ReadResult[] = [];
  if (opts.only === undefined || opts.only === 'reads') {
    log('reads:');
    reads = await runReadPhase({
      latencyMs, connections: 32, durationSec: opts.durationSec ?? 10, warmupSec: 3,
      rounds: opts.rounds ?? (quick ? 1 : 2), log,
      // Quick: two requests per client, so a loaded CI machine still gets answers to compare.
      ...(quick && opts.durationSec === undefined ? { perClient: { run: 2, warmup: 1 } } : {}),
    });
  }

  let peers: PeerResult | undefined;
  if (opts.only === undefined || opts.only === 'peers') {
    log('peers (R1, R2):');
    peers = await runPeerPhase({
      latencyMs: 5, connections: 32, durationSec: opts.durationSec ?? 10, warmupSec: 3, rounds: opts.rounds ?? (quick ? 1 : 2), log,
      // Quick: one request per client and no warm-up; the smoke run checks the rows are computed, not their speed.
      ...(quick && opts.durationSec === undefined ? { perClient: { run: 1, warmup: 0 } } : {}),
    });
  }

  let memory: MemoryResult | undefined;
  if (opts.only === undefined || opts.only === 'memory') {
    log('memory (node dist/main.js):');
    memory = await runMemoryPhase({ batchItems: quick ? 1000 : 10_000, reads: quick ? 20 : 200, restSeconds: quick ? 0 : 45, log });
  }

  let jobs: JobsRun[] | undefined;
  if (opts.only === undefined || opts.only === 'jobs') {
    log('batch jobs (node dist/main.js):');
    jobs = await runJobsPhase({ items: opts.jobItems ?? (quick ? 2_000 : 100_000), latencyMs, stores: opts.jobStores ?? ['memory'], log,
      ...(opts.jobNodeFlags ? { nodeFlags: opts.jobNodeFlags } : {}) });
  }

  const targets = [...checkTargets(batch, reads), ...(jobs ? jobTargets(jobs) : [])];
  const md = [markdown(batch, reads, targets), ...(peers ? [peerMarkdown(peers)] : []), ...(memory ? [memoryMarkdown(memory)] : []),
    ...(jobs ? [jobsMarkdown(jobs)] : [])].join('\n\n');
  const result: BenchResult = {
    meta: {
      mode: quick ? 'quick' : 'full', startedAt: startedAt.toISOString(), node: process.version, nproc: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30), latencyMs,
      totalSec: (performance.now() - t0) / 1000, loadAverage: { before: loadBefore, after: loadavg()[0]! },
    },
    batch, batchRuns, reads, ...(peers ? { peers } : {}), ...(memory ? { memory } : {}), ...(jobs ? { jobs } : {}), targets, markdown: md,
  };
  if (opts.write ?? true) {
    const dir = fileURLToPath(new URL('./results/', import.meta.url));
    await mkdir(dir, { recursive: true });
    result.file = `${dir}${result.meta.mode}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`;
    await writeFile(result.file, JSON.stringify(result, null, 2));
  }
  return result;
}

function parseArgs(argv: string[]): BenchOptions {
  const opts: BenchOptions = {};
  const value = (i: number) => {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${argv[i]} needs a value`);
    return v;
  };
  const positive = (name: string, v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number; got '${v}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') opts.quick = true;
    else if (a === '--no-write') opts.write = false;
    else if (a === '--latency') opts.latencyMs = Number(value(i++));
    else if (a === '--only') {
      const v = value(i++);
      if (v !== 'batch' && v !== 'reads' && v !== 'peers' && v !== 'memory' && v !== 'jobs') throw new Error(`--only takes batch, reads, peers, memory or jobs; got '${v}'`);
      opts.only = v;
    } else if (a === '--sizes') opts.sizes = value(i++).split(',').map((s) => Math.ceil(positive('--sizes', s) / 4) * 4);
    else if (a === '--reps') opts.reps = positive('--reps', value(i++));
    else if (a === '--duration') opts.durationSec = positive('--duration', value(i++));
    else if (a === '--rounds') opts.rounds = positive('--rounds', value(i++));
    else if (a === '--job-items') opts.jobItems = Math.ceil(positive('--job-items', value(i++)) / 4) * 4;
    else if (a === '--job-stores') {
      const stores = value(i++).split(',');
      if (!stores.every((x): x is JobStoreKind => x === 'memory' || x === 'redis')) throw new Error(`--job-stores takes memory and/or redis; got '${stores.join(',')}'`);
      opts.jobStores = stores;
    } else if (a === '--job-node-flags') opts.jobNodeFlags = value(i++).split(' ').filter(Boolean);
    else throw new Error(`unknown option ${a}; see the top of bench/run.ts`);
  }
  if (opts.latencyMs !== undefined && !(Number.isFinite(opts.latencyMs) && opts.latencyMs >= 0)) throw new Error('--latency must be ≥ 0');
  return opts;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const result = await runBench(parseArgs(process.argv.slice(2)));
    console.log(`\n${result.markdown}\n`);
    console.log(`total ${result.meta.totalSec.toFixed(0)} s${result.file ? `; JSON: ${result.file}` : ''}`);
  } catch (err) {
    console.error(`bench failed: ${(err as Error).stack ?? String(err)}`);
    process.exitCode = 1;
  }
}
