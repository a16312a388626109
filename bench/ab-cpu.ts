// Server CPU per request of two (or more) builds of taskhub side by side, for A/B work on a shared machine:
// every build runs as its own `node <build>/main.js` against the same emulator process (5 ms, 100 tasks per
// JSON vendor, K2 unconfigured, as the peer phase), and the rounds alternate builds and workloads. CPU is
// read from /proc for each build's process over a fixed count of requests, so neighbours' load moves both
// builds alike; the per-round ratio to the first build is the number to read, not the absolute ms.
//
//   npx tsx bench/ab-cpu.ts --builds .ab/base/dist,dist [--requests 300] [--rounds 5] [--connections 32]
//   npx tsx bench/ab-cpu.ts --builds dist,dist@--max-semi-space-size=4   (a build with node flags: dir@flag@flag)
//
// Each build's RSS is printed at the end too (after every round's requests).
//
// A build of another commit, inside the worktree so node_modules resolves (.ab/ is not committed):
//   mkdir -p .ab/base && git archive <commit> src schema | tar -x -C .ab/base
//   echo '{"extends":"../../tsconfig.build.json","compilerOptions":{"rootDir":"src","outDir":"dist"},"include":["src"]}' > .ab/base/tsconfig.json
//   npx tsc -p .ab/base

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { startEmulatorProcess } from './emulator-process.js';
import { median } from './measure.js';
import { freePort, startNode, stopGroup, treeUsage, waitUntilUp } from './peers/processes.js';
import { vendorEnv } from './peers/targets.js';
import { pickR2Ids, taskhubR1, taskhubR2 } from './peers/workloads.js';

const { values } = parseArgs({
  options: {
    builds: { type: 'string', default: 'dist' }, requests: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '5' }, connections: { type: 'string', default: '32' },
  },
});
const builds = values.builds.split(',');
const requests = Number(values.requests);
const rounds = Number(values.rounds);
const connections = Number(values.connections);

interface Build { dir: string; pid: number; pool: Pool; stop(): Promise<void> }
type Data = Record<string, { edges: Array<{ node: { nativeId: string } }> }>;

async function post(pool: Pool, body: string): Promise<{ data?: Data; errors?: unknown[] }> {
  const res = await pool.request({ method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
  const json = (await res.body.json()) as { data?: Data; errors?: unknown[] };
  if (res.statusCode !== 200 || json.errors) throw new Error(`HTTP ${res.statusCode}: ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

const emu = await startEmulatorProcess({ latencyMs: 5, extraTasks: 100 }, () => {});
const started: Build[] = [];
try {
  for (const dir of builds) {
    const port = await freePort();
    const [path, ...flags] = dir.split('@');
    const child = startNode(dir, [...flags, resolve(path!, 'main.js')], { ...vendorEnv(emu.settings), HOST: '127.0.0.1', PORT: String(port), NODE_ENV: 'production' });
    await waitUntilUp(`http://127.0.0.1:${port}/ready`, child);
    started.push({ dir, pid: child.pid!, pool: new Pool(`http://127.0.0.1:${port}`, { connections }), stop: () => stopGroup(child) });
  }
  const r1 = JSON.stringify({ query: taskhubR1 });
  const first = (await post(started[0]!.pool, r1)).data!;
  const ids = (alias: string) => first[alias]!.edges.map((e) => e.node.nativeId);
  const bodies = { R1: r1, R2: JSON.stringify({ query: taskhubR2(pickR2Ids({ zuora: ids('zuora'), ibm: ids('ibm'), superoffice: ids('superoffice') })) }) };

  /** CPU ms per request of `b` over `n` requests, `connections` at a time. */
  const measure = async (b: Build, body: string, n: number): Promise<number> => {
    let next = 0;
    const before = treeUsage(b.pid).cpuMs;
    await Promise.all(Array.from({ length: connections }, async () => { while (next++ < n) await post(b.pool, body); }));
    return (treeUsage(b.pid).cpuMs - before) / n;
  };
  for (const b of started) for (const body of Object.values(bodies)) await measure(b, body, requests); // warm-up
  const cpu = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (const [w, body] of Object.entries(bodies)) {
      for (let k = 0; k < started.length; k++) {
        const b = started[(k + round) % started.length]!;
        const key = `${w} ${b.dir}`;
        cpu.set(key, [...(cpu.get(key) ?? []), await measure(b, body, requests)]);
      }
    }
  }
  const base = started[0]!.dir;
  for (const w of Object.keys(bodies)) {
    for (const b of started) {
      const ms = cpu.get(`${w} ${b.dir}`)!;
      const ratios = ms.map((x, i) => x / cpu.get(`${w} ${base}`)![i]!);
      console.log(`${w} ${b.dir}: ${median(ms).toFixed(2)} ms CPU/request (median of ${ms.map((x) => x.toFixed(1)).join(' ')})` +
        (b.dir === base ? '' : `, × ${base}: ${median(ratios).toFixed(2)} (per round ${ratios.map((r) => r.toFixed(2)).join(' ')})`));
    }
  }
  for (const b of started) console.log(`RSS ${b.dir}: ${(Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${b.pid}/status`, 'utf8'))![1]) / 1024).toFixed(0)} MB`);
} finally {
  for (const b of started) { await b.pool.close(); await b.stop(); }
  await emu.close();
}
