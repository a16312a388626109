// The read phase: `tasks(first: 100)` and `nodes(ids: 50 ids)` through the facade, against the read
// baseline server, each under 32 concurrent clients for a fixed time (autocannon in a child process),
// interleaved round by round. Before any load, one answer of each is compared with the other side's, so
// both are known to do the same work.

import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { encodeGlobalId } from '../src/global-id.js';
import { startReadBaseline } from './baseline-reads.js';
import type { Usage } from './emulators.js';
import { startEmulatorProcess } from './emulator-process.js';
import { startFacade } from './facade.js';
import type { LoadRequest, LoadSummary } from './load.js';
import { median, ratio } from './measure.js';
import { BACKEND_ORDER, LIST_QUERY, NODES_QUERY } from './workload.js';

export type ReadOp = 'list100' | 'nodes50';

export interface ReadTarget {
  throughput: number; p50Ms: number; p99Ms: number;
  /** This process's CPU per completed request (the server under test runs here). */
  cpuMsPerRequest: number;
  /** Share of one core the emulator process used during the runs. */
  emulatorCpuShare: number;
  errors: number;
  rounds: LoadSummary[];
}

export interface ReadResult {
  op: ReadOp;
  facade: ReadTarget;
  baseline: ReadTarget;
  throughputRatio: number;
  p99Ratio: number;
  p50Ratio: number;
  /** The facade's data equals the baseline's for this query. */
  sameData: boolean;
}

export interface ReadPhaseOptions {
  latencyMs: number; connections: number; durationSec: number; warmupSec: number; rounds: number;
  /** Requests per client per run instead of a duration (the CI smoke run: answers are guaranteed). */
  perClient?: { run: number; warmup: number };
  log: (line: string) => void;
}

/** Generated tasks per vendor: about 100 in all, so `tasks(first: 100)` spans the four vendors. */
const READ_EXTRA_TASKS = 15;

export function startLoadProcess() {
  const child = fork(fileURLToPath(new URL('./load.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  const waiting = new Map<number, (s: LoadSummary) => void>();
  let nextId = 1;
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`load generator exited with code ${code}`)));
    child.on('message', (m: { ready?: boolean; id?: number; summary?: LoadSummary }) => {
      if (m.ready) resolve();
      else if (m.id !== undefined) { waiting.get(m.id)?.(m.summary!); waiting.delete(m.id); }
    });
  });
  return {
    ready,
    run: (r: Omit<LoadRequest, 'id'>) => new Promise<LoadSummary>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      child.send({ id, ...r });
    }),
    close: () => { child.disconnect(); },
  };
}

const cpuShare = (a: Usage, b: Usage, wallMs: number) => (b.cpuUserMs + b.cpuSystemMs - a.cpuUserMs - a.cpuSystemMs) / wallMs;

export async function runReadPhase(opts: ReadPhaseOptions): Promise<ReadResult[]> {
  const emu = await startEmulatorProcess({ latencyMs: opts.latencyMs, extraTasks: READ_EXTRA_TASKS }, opts.log);
  const facade = await startFacade(emu.settings);
  const base = await startReadBaseline(emu.settings);
  const load = startLoadProcess();
  try {
    await load.ready;
    const ids = Array.from({ length: 50 }, (_, k) => encodeGlobalId(BACKEND_ORDER[k % 4]!, emu.ids[BACKEND_ORDER[k % 4]!][Math.floor(k / 4)]!));
    const bodies: Record<ReadOp, { facade: string; baseline: string }> = {
      list100: { facade: JSON.stringify({ query: LIST_QUERY, variables: { first: 100 } }), baseline: JSON.stringify({ first: 100 }) },
      nodes50: { facade: JSON.stringify({ query: NODES_QUERY, variables: { ids } }), baseline: JSON.stringify({ ids }) },
    };
    const urls = { facade: facade.url, baseline: (op: ReadOp) => `${base.url}/${op === 'list100' ? 'list' : 'nodes'}` };

    const sameData = {} as Record<ReadOp, boolean>;
    for (const op of ['list100', 'nodes50'] as const) {
      const f = await facade.post(bodies[op].facade);
      const b = await (await fetch(urls.baseline(op), { method: 'POST', body: bodies[op].baseline })).json() as { data: unknown };
      if (f.json.errors) throw new Error(`facade ${op} answered errors: ${JSON.stringify(f.json.errors)}`);
      sameData[op] = isDeepStrictEqual(f.json.data, b.data);
      if (!sameData[op]) opts.log(`  warning: facade and baseline answers differ for ${op}`);
    }

    const target = async (impl: 'facade' | 'baseline', op: ReadOp, durationSec: number, perClient?: number) => {
      const url = impl === 'facade' ? urls.facade : urls.baseline(op);
      const emu0 = await emu.usage();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const s = await load.run({
        url, body: bodies[op][impl], connections: opts.connections, durationSec,
        ...(perClient === undefined ? {} : { amount: perClient * opts.connections }),
      });
      const wallMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const emuShare = cpuShare(emu0, await emu.usage(), wallMs);
      return { s, cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / Math.max(1, s.requests), emuShare };
    };

    for (const op of ['list100', 'nodes50'] as const) {
      for (const impl of ['facade', 'baseline'] as const) await target(impl, op, opts.warmupSec, opts.perClient?.warmup);
    }
    const got: Record<string, Array<Awaited<ReturnType<typeof target>>>> = {};
    for (let round = 0; round < opts.rounds; round++) {
      for (const op of ['list100', 'nodes50'] as const) {
        const order = round % 2 === 0 ? (['facade', 'baseline'] as const) : (['baseline', 'facade'] as const);
        for (const impl of order) {
          const r = await target(impl, op, opts.durationSec, opts.perClient?.run);
          (got[`${impl}:${op}`] ??= []).push(r);
          opts.log(`  ${impl.padEnd(8)} ${op}: ${r.s.throughput.toFixed(0)} req/s, p50 ${r.s.p50Ms} ms, p99 ${r.s.p99Ms} ms, ${r.cpuMsPerRequest.toFixed(2)} ms CPU/req, emulators ${(r.emuShare * 100).toFixed(0)}% of a core${r.s.non2xx + r.s.errors ? `, ${r.s.non2xx} non-2xx, ${r.s.errors} errors` : ''}`);
        }
      }
    }

    return (['list100', 'nodes50'] as const).map((op): ReadResult => {
      const summary = (impl: 'facade' | 'baseline'): ReadTarget => {
        const rs = got[`${impl}:${op}`]!;
        return {
          throughput: median(rs.map((r) => r.s.throughput)), p50Ms: median(rs.map((r) => r.s.p50Ms)), p99Ms: median(rs.map((r) => r.s.p99Ms)),
          cpuMsPerRequest: median(rs.map((r) => r.cpuMsPerRequest)), emulatorCpuShare: median(rs.map((r) => r.emuShare)),
          errors: rs.reduce((n, r) => n + r.s.non2xx + r.s.errors + r.s.timeouts, 0), rounds: rs.map((r) => r.s),
        };
      };
      const f = summary('facade');
      const b = summary('baseline');
      return {
        op, facade: f, baseline: b, sameData: sameData[op],
        throughputRatio: ratio(f.throughput, b.throughput), p99Ratio: ratio(f.p99Ms, b.p99Ms), p50Ratio: ratio(f.p50Ms, b.p50Ms),
      };
    });
  } finally {
    load.close();
    await base.close();
    await facade.close();
    await emu.close();
  }
}
