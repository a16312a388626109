// The peer phase of `npm run bench`: issue 10's R1 and R2 against three targets on the same vendor
// emulators (one child process, 5 ms latency, 100 generated tasks per vendor): the direct script, GraphQL
// Mesh + Hive Gateway composed over OpenAPI descriptions of the emulators, and taskhub (`node
// dist/main.js`). One run, interleaved (the target order rotates every round), reported as ratios.
// Each target's CPU is read from /proc for its own process tree, so CPU ms per request is the most
// stable number on a shared machine; requests per second and latencies move with the machine's load.

import { isDeepStrictEqual } from 'node:util';
import { startEmulatorProcess } from '../emulator-process.js';
import type { LoadSummary } from '../load.js';
import { median, ratio } from '../measure.js';
import { startLoadProcess } from '../reads.js';
import { startMeshGateway } from './gateway.js';
import { treeUsage } from './processes.js';
import type { Target } from './processes.js';
import { startDirect, startTaskhub } from './targets.js';
import { meshR1, meshR2, pickR2Ids, taskhubR1, taskhubR2 } from './workloads.js';
import type { R2Ids } from './workloads.js';

export type PeerName = 'direct' | 'mesh' | 'taskhub';
export type Workload = 'R1' | 'R2';

export interface PeerRow {
  workload: Workload;
  target: PeerName;
  rps: number; p50Ms: number; p99Ms: number;
  /** CPU of the target's process tree per completed request. */
  cpuMsPerRequest: number;
  requests: number;
  /** non-2xx, socket errors and timeouts over all rounds. */
  bad: number;
  rounds: Array<LoadSummary & { cpuMsPerRequest: number }>;
}

export interface PeerRatio { workload: Workload; target: 'mesh' | 'taskhub'; rpsVsDirect: number; p99VsDirect: number; cpuVsDirect: number; rpsVsMesh: number }

export interface PeerResult {
  rows: PeerRow[];
  ratios: PeerRatio[];
  /** taskhub's RSS (MB): after start, and at the end of the phase. */
  taskhubRssMb: { idle: number; afterLoad: number };
  /** Every target answered each workload with the same tasks (names and statuses). */
  sameTasks: Record<Workload, boolean>;
}

export interface PeerPhaseOptions {
  latencyMs: number; connections: number; durationSec: number; warmupSec: number; rounds: number;
  perClient?: { run: number; warmup: number };
  log: (line: string) => void;
}

type Json = { data?: Record<string, unknown>; errors?: unknown[] };
type Task = Record<string, unknown>;

async function post(url: string, body: string): Promise<Json> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
  const json = (await res.json()) as Json;
  if (!res.ok || json.errors || !json.data) throw new Error(`${url}: HTTP ${res.status} ${JSON.stringify(json.errors ?? json).slice(0, 500)}`);
  return json;
}

/** [name, status] per task, vendor by vendor, in each target's own shape. */
const r1Tasks = (target: PeerName, data: Record<string, unknown>) => {
  const of = (alias: string): Task[] => {
    const v = data[alias] as Record<string, unknown> | Task[];
    if (target === 'taskhub') return ((v as { edges: Array<{ node: Task }> }).edges).map((e) => e.node);
    if (alias === 'zuora') return (v as { data: Task[] }).data;
    if (alias === 'ibm') return (v as { items: Task[] }).items;
    return (v as Task[]).slice(0, 100); // SuperOffice's list has no paging: Mesh answers all of it
  };
  return (['zuora', 'ibm', 'superoffice'] as const).map((alias) => of(alias).map((t) => nameOf(target, alias, t)));
};
const nameOf = (target: PeerName, alias: string, t: Task) => {
  if (target === 'taskhub') return [t.nativeId, t.name];
  if (alias === 'zuora' || alias[0] === 'z') return [String(t.id), t.name];
  if (alias === 'ibm' || alias[0] === 'i') return [t.tkiid, t.name];
  return [String(t.Id), t.Name];
};
const r2Tasks = (target: PeerName, data: Record<string, unknown>) =>
  Object.entries(data).sort(([a], [b]) => a.localeCompare(b)).map(([alias, t]) => (t ? nameOf(target, alias, t as Task) : null));

export async function runPeerPhase(opts: PeerPhaseOptions): Promise<PeerResult> {
  const emu = await startEmulatorProcess({ latencyMs: opts.latencyMs, extraTasks: 100 }, opts.log);
  const targets: Target[] = [];
  const load = startLoadProcess();
  try {
    // Started one after the other: three cold starts at once on a small machine only slow each other.
    targets.push(await startDirect(emu.settings));
    targets.push(await startMeshGateway(emu.settings));
    const taskhub = await startTaskhub(emu.settings);
    targets.push(taskhub);
    const idleRssMb = treeUsage(taskhub.pid).rssBytes / 2 ** 20;
    await load.ready;

    const byName = Object.fromEntries(targets.map((t) => [t.name, t])) as Record<PeerName, Target>;
    const r1Body: Record<PeerName, { url: string; body: string }> = {
      direct: { url: `${byName.direct.url}/r1`, body: '{}' },
      mesh: { url: byName.mesh.url, body: JSON.stringify({ query: meshR1 }) },
      taskhub: { url: byName.taskhub.url, body: JSON.stringify({ query: taskhubR1 }) },
    };
    // One answer of each before any load: no errors, 100 tasks per vendor, the same tasks everywhere.
    const r1Answers = {} as Record<PeerName, unknown>;
    for (const t of ['direct', 'mesh', 'taskhub'] as const) {
      const json = await post(r1Body[t].url, r1Body[t].body);
      r1Answers[t] = r1Tasks(t, json.data!);
      const counts = (r1Answers[t] as unknown[][]).map((l) => l.length);
      if (counts.some((n) => n !== 100)) throw new Error(`${t} R1 answered ${counts.join('/')} tasks, not 100 per vendor`);
    }
    const first100 = (r1Answers.taskhub as Array<Array<[string, unknown]>>).map((l) => l.map(([id]) => id));
    const ids: R2Ids = pickR2Ids({ zuora: first100[0]!, ibm: first100[1]!, superoffice: first100[2]! });
    const r2Body: Record<PeerName, { url: string; body: string }> = {
      direct: { url: `${byName.direct.url}/r2`, body: JSON.stringify(ids) },
      mesh: { url: byName.mesh.url, body: JSON.stringify({ query: meshR2(ids) }) },
      taskhub: { url: byName.taskhub.url, body: JSON.stringify({ query: taskhubR2(ids) }) },
    };
    const r2Answers = {} as Record<PeerName, unknown>;
    for (const t of ['direct', 'mesh', 'taskhub'] as const) {
      r2Answers[t] = r2Tasks(t, (await post(r2Body[t].url, r2Body[t].body)).data!);
      if ((r2Answers[t] as unknown[]).filter(Boolean).length !== 50) throw new Error(`${t} R2 did not answer 50 tasks`);
    }
    const sameTasks = {
      R1: isDeepStrictEqual(r1Answers.direct, r1Answers.mesh) && isDeepStrictEqual(r1Answers.direct, r1Answers.taskhub),
      R2: isDeepStrictEqual(r2Answers.direct, r2Answers.mesh) && isDeepStrictEqual(r2Answers.direct, r2Answers.taskhub),
    };
    for (const w of ['R1', 'R2'] as const) if (!sameTasks[w]) opts.log(`  warning: the targets' ${w} answers differ`);

    const bodies = { R1: r1Body, R2: r2Body };
    const measure = async (w: Workload, t: PeerName, durationSec: number, perClient?: number) => {
      const before = treeUsage(byName[t].pid).cpuMs;
      const s = await load.run({
        url: bodies[w][t].url, body: bodies[w][t].body, connections: opts.connections, durationSec,
        ...(perClient === undefined ? {} : { amount: perClient * opts.connections }),
      });
      return { ...s, cpuMsPerRequest: (treeUsage(byName[t].pid).cpuMs - before) / Math.max(1, s.requests) };
    };

    const rounds: Record<string, PeerRow['rounds']> = {};
    const order: PeerName[] = ['direct', 'mesh', 'taskhub'];
    if (opts.perClient?.warmup !== 0) {
      for (const w of ['R1', 'R2'] as const) for (const t of order) await measure(w, t, opts.warmupSec, opts.perClient?.warmup);
    }
    for (let round = 0; round < opts.rounds; round++) {
      for (const w of ['R1', 'R2'] as const) {
        for (let k = 0; k < order.length; k++) {
          const t = order[(k + round) % order.length]!;
          const r = await measure(w, t, opts.durationSec, opts.perClient?.run);
          (rounds[`${w}:${t}`] ??= []).push(r);
          opts.log(`  ${w} ${t.padEnd(8)} ${r.throughput.toFixed(0)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.cpuMsPerRequest.toFixed(2)} ms CPU/req${r.non2xx + r.errors + r.timeouts ? `, ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts` : ''}`);
        }
      }
    }

    const rows: PeerRow[] = [];
    for (const w of ['R1', 'R2'] as const) {
      for (const t of order) {
        const rs = rounds[`${w}:${t}`]!;
        rows.push({
          workload: w, target: t, rps: median(rs.map((r) => r.throughput)), p50Ms: median(rs.map((r) => r.p50Ms)),
          p99Ms: median(rs.map((r) => r.p99Ms)), cpuMsPerRequest: median(rs.map((r) => r.cpuMsPerRequest)),
          requests: rs.reduce((n, r) => n + r.requests, 0), bad: rs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0), rounds: rs,
        });
      }
    }
    const row = (w: Workload, t: PeerName) => rows.find((r) => r.workload === w && r.target === t)!;
    const ratios: PeerRatio[] = (['R1', 'R2'] as const).flatMap((w) => (['mesh', 'taskhub'] as const).map((t) => ({
      workload: w, target: t,
      rpsVsDirect: ratio(row(w, t).rps, row(w, 'direct').rps), p99VsDirect: ratio(row(w, t).p99Ms, row(w, 'direct').p99Ms),
      cpuVsDirect: ratio(row(w, t).cpuMsPerRequest, row(w, 'direct').cpuMsPerRequest), rpsVsMesh: ratio(row(w, t).rps, row(w, 'mesh').rps),
    })));
    return { rows, ratios, sameTasks, taskhubRssMb: { idle: idleRssMb, afterLoad: treeUsage(taskhub.pid).rssBytes / 2 ** 20 } };
  } finally {
    load.close();
    for (const t of targets.reverse()) await t.stop();
    await emu.close();
  }
}

/** The peer tables for the report. */
export function peerMarkdown(p: PeerResult): string {
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
  const lines = [
    '### Peers: R1 and R2 (issue 10), 32 connections, vendor latency 5 ms, three JSON vendors',
    '',
    '| workload | target | req/s | p50 ms | p99 ms | CPU ms/request | bad answers |',
    '|---|---|---|---|---|---|---|',
    ...p.rows.map((r) => `| ${r.workload} | ${r.target} | ${f(r.rps)} | ${f(r.p50Ms, 0)} | ${f(r.p99Ms, 0)} | ${f(r.cpuMsPerRequest, 2)} | ${r.bad} |`),
    '',
    '| workload | target | req/s × direct | p99 × direct | CPU × direct | req/s × Mesh |',
    '|---|---|---|---|---|---|',
    ...p.ratios.map((r) => `| ${r.workload} | ${r.target} | ${f(r.rpsVsDirect, 2)} | ${f(r.p99VsDirect, 2)} | ${f(r.cpuVsDirect, 2)} | ${f(r.rpsVsMesh, 2)} |`),
    '',
    `Same tasks from every target: R1 ${p.sameTasks.R1 ? 'yes' : 'NO'}, R2 ${p.sameTasks.R2 ? 'yes' : 'NO'}. taskhub RSS ${f(p.taskhubRssMb.idle, 0)} MB after start, ${f(p.taskhubRssMb.afterLoad, 0)} MB after the load.`,
  ];
  return lines.join('\n');
}
