// The four vendor emulators in a process of their own, so the facade's CPU time and RSS (measured in the
// parent) are not mixed with the vendors'. Forked by bench/emulator-process.ts with one JSON argument
// ({ latencyMs, extraTasks }); prints its settings as one JSON line, then answers commands over IPC.
//
// Commands: setLatency, reset (forgets the request logs, so every measured run is counted alone and the
// logs stay small), counts (calls per vendor and method since the last reset), span (first and last call
// arrival since the reset), timeline (every call's arrival), usage (CPU, RSS), close.

import { startEmbeddedBackends } from '../src/embedded.js';
import type { Backend } from '../src/domain.js';

export interface EmulatorArgs { latencyMs: number; extraTasks: number }

/** Generated (non-seed) task ids of each vendor, in store order: the benchmark's own tasks. */
export type GeneratedIds = Record<Backend, string[]>;

export type CallCounts = Record<Backend, Record<string, number>>;

/** When the first and the last call of a run arrived (epoch ms; same clock as the parent's Date.now()). */
export type CallSpan = { firstAt: number; lastAt: number } | null;

export interface Usage { cpuUserMs: number; cpuSystemMs: number; rssBytes: number }

export type EmulatorCommand =
  | { id: number; cmd: 'setLatency'; ms: number }
  | { id: number; cmd: 'reset' }
  | { id: number; cmd: 'counts' }
  | { id: number; cmd: 'span' }
  | { id: number; cmd: 'timeline' }
  | { id: number; cmd: 'usage' }
  | { id: number; cmd: 'close' };

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as EmulatorArgs;
  const vendors = await startEmbeddedBackends({ latencyMs: args.latencyMs, extraTasks: args.extraTasks });
  const servers = {
    ZUORA: vendors.zuora.server, IBM_BPM: vendors.ibmBpm.server, K2: vendors.k2.server, SUPEROFFICE: vendors.superOffice.server,
  };
  // Stores keep insertion order: the seed first, then the generated tasks.
  const generated = (keys: Iterable<unknown>): string[] => (args.extraTasks > 0 ? [...keys].map(String).slice(-args.extraTasks) : []);
  const ids: GeneratedIds = {
    ZUORA: generated(vendors.zuora.tasks.keys()),
    IBM_BPM: generated(vendors.ibmBpm.tasks.keys()),
    K2: generated(vendors.k2.tasks.keys()),
    SUPEROFFICE: generated(vendors.superOffice.tasks.keys()),
  };

  const run = (c: EmulatorCommand): unknown => {
    switch (c.cmd) {
      case 'setLatency': vendors.setLatency(c.ms); return null;
      case 'reset':
        for (const s of Object.values(servers)) s.requests.length = 0;
        vendors.k2.applied.length = 0;
        return null;
      case 'counts': {
        const out = {} as CallCounts;
        for (const [backend, s] of Object.entries(servers) as Array<[Backend, typeof servers.ZUORA]>) {
          const byMethod: Record<string, number> = {};
          for (const r of s.requests) byMethod[r.method] = (byMethod[r.method] ?? 0) + 1;
          out[backend] = byMethod;
        }
        return out;
      }
      case 'span': {
        const at = Object.values(servers).flatMap((s) => s.requests.map((r) => r.at));
        return (at.length ? { firstAt: Math.min(...at), lastAt: Math.max(...at) } : null) satisfies CallSpan;
      }
      // Every call since the reset as [backend, method, arrival]: for looking at a run's shape by hand.
      case 'timeline':
        return Object.entries(servers).flatMap(([b, s]) => s.requests.map((r) => [b, r.method, r.at]));
      case 'usage': {
        const cpu = process.cpuUsage();
        return { cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000, rssBytes: process.memoryUsage.rss() } satisfies Usage;
      }
      case 'close': return null;
    }
  };

  process.on('message', (c: EmulatorCommand) => {
    const result = run(c);
    process.send?.({ id: c.id, result }, () => {
      if (c.cmd === 'close') void vendors.close().then(() => process.exit(0));
    });
  });
  // The parent going away must not leave emulators listening.
  process.on('disconnect', () => { void vendors.close().then(() => process.exit(0)); });

  const ready = { settings: vendors.settings, ids };
  process.stdout.write(`${JSON.stringify({ emulators: Object.fromEntries(Object.entries(vendors.settings).map(([b, s]) => [b, s!.baseUrl])), latencyMs: args.latencyMs, extraTasks: args.extraTasks })}\n`);
  process.send?.({ ready });
}

void main().catch((err: unknown) => {
  process.stderr.write(`bench emulators failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
