// How far V8 lets the heap grow past what is live before it collects. V8 picks the growth factor from the
// heap's maximum, and that maximum from the machine's memory: on a host with 16 GB or more the heap may
// reach 4 × its live size between two full collections. taskhub's live set is small (tens of MB), so that
// is mostly garbage kept: ~180 MB of RSS after 200 reads, where 2 × holds it at ~160 MB at no CPU cost
// (an A/B of both read workloads). A batch job needs less still: its upload briefly holds ~100 MB live
// (the request's items, as parsed and as coerced), and a heap limit set from that moment let the job keep
// ~400 MB of garbage while it ran. While a job is taken in or run, growth is bounded to 1.5 × the live set:
// the 100,000-item job then peaks ~250 MB. Not always 1.5 ×: on read-heavy load it costs ~20 % more CPU
// in full collections (BENCHMARKS.md has the measurements).
//
// A large upload gets one more thing: a full collection once its request is answered. Otherwise the heap
// limit V8 set while the upload was live stays in force until the heap grows back up to it, and the job's
// first minute ran ~100 MB above its steady state (a 311 MB peak against ~200 MB after that collection).
//
// Set at run time rather than on `npm start`'s command line so it holds however the server is started
// (`node dist/main.js`, a container's entry point). V8 reads the flag each time it recomputes the heap's
// limit, at the end of every full collection, so a change takes effect at the next one. An operator's own
// --heap-growing-percent, on the command line or in NODE_OPTIONS, wins: taskhub then never sets it.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Heap limit = live × (1 + percent / 100). */
export const SERVER_GROWING_PERCENT = 100;
export const JOB_GROWING_PERCENT = 50;

const FLAG = /--heap[-_]growing[-_]percent\b/;

let owned = false;
let tightHolders = 0;

const set = (percent: number) => setFlagsFromString(`--heap-growing-percent=${percent}`);

/** The server's bound, unless the operator set one; says whether taskhub now owns the setting. */
export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  if (execArgv.some((a) => FLAG.test(a)) || FLAG.test(nodeOptions)) return false;
  set(SERVER_GROWING_PERCENT);
  owned = true;
  return true;
}

/**
 * Runs `work` (a batch job's upload, or its run) with the tighter bound in force; the server's bound comes
 * back when the last such work ends. Does nothing to the heap where taskhub does not own the setting (an
 * operator's flag, or an app embedded in another process, such as the tests).
 */
export async function withTightHeapGrowth<T>(work: () => Promise<T>): Promise<T> {
  if (!owned) return work();
  if (tightHolders++ === 0) set(JOB_GROWING_PERCENT);
  try {
    return await work();
  } finally {
    if (--tightHolders === 0) set(SERVER_GROWING_PERCENT);
  }
}

/** Uploads of at least this many items are followed by a collection (collectSoon). */
export const LARGE_UPLOAD_ITEMS = 10_000;

let collect: (() => void) | undefined;
let collectPending = false;

/**
 * One full collection `delayMs` from now, where taskhub owns the heap policy; for after a large live set
 * that is about to be dropped (a job's upload: the request's parsed and coerced items go when it is
 * answered). A pause of tens of ms, once per large upload; uploads arriving while one is pending share it.
 * `gc` comes from a fresh context once the flag exposes it there; the main context never gets a global `gc`.
 */
export function collectSoon(delayMs = 500): void {
  if (!owned || collectPending) return;
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  const run = collect;
  collectPending = true;
  setTimeout(() => { collectPending = false; run(); }, delayMs).unref();
}
