// Child processes of the peer benchmark: each target (direct script, Mesh + Hive Gateway, taskhub) runs in
// a process of its own, started in its own process group so it can be ended as a whole, and its CPU time is
// read from /proc for the process and every descendant (a gateway may fork), so "CPU ms per request" is the
// target's own, never the load generator's or the emulators'.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime (ms) and RSS (bytes) of `pid` and all its descendants, from /proc (Linux only). */
export function treeUsage(pid: number): { cpuMs: number; rssBytes: number } {
  const stats = new Map<number, { ppid: number; cpuTicks: number; rssPages: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may contain spaces.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(f[1]), cpuTicks: Number(f[11]) + Number(f[12]), rssPages: Number(f[21]) });
    } catch { /* the process ended while being read */ }
  }
  const inTree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, s] of stats) if (!inTree.has(p) && inTree.has(s.ppid)) { inTree.add(p); grew = true; }
  }
  let ticks = 0;
  let pages = 0;
  for (const p of inTree) { ticks += stats.get(p)?.cpuTicks ?? 0; pages += stats.get(p)?.rssPages ?? 0; }
  return { cpuMs: (ticks * 1000) / TICKS_PER_SECOND, rssBytes: pages * 4096 };
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

export interface Target {
  name: string;
  /** Where the load goes. */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `args` with node in its own process group; stderr is kept (last lines shown if it dies). */
export function startNode(name: string, args: string[], env: Record<string, string>, cwd?: string): ChildProcess {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, cwd, detached: true, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  child.stderr!.setEncoding('utf8').on('data', (t: string) => { tail = (tail + t).slice(-2000); });
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal === null) process.stderr.write(`bench peer ${name} exited with code ${code}:\n${tail}\n`);
  });
  return child;
}

/** SIGTERM to the whole group, SIGKILL after 5 s. */
export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
  const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5_000);
  await exited;
  clearTimeout(timer);
}

/** Polls `url` until it answers 2xx (or `child` dies, or the time is up). */
export async function waitUntilUp(url: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms`);
}
