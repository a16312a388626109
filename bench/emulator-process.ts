// Parent side of bench/emulators.ts: forks it (TypeScript through tsx's loader), waits for its settings,
// and turns its IPC commands into promises.

import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BackendSettings } from '../src/config.js';
import type { CallCounts, CallSpan, EmulatorArgs, GeneratedIds, Usage } from './emulators.js';

export interface EmulatorProcess {
  settings: BackendSettings;
  ids: GeneratedIds;
  pid: number;
  setLatency(ms: number): Promise<void>;
  /** Forgets the request logs: `counts()` then covers one run. */
  reset(): Promise<void>;
  counts(): Promise<CallCounts>;
  span(): Promise<CallSpan>;
  /** Every call since the reset: [backend, method, arrival epoch ms]. */
  timeline(): Promise<Array<[string, string, number]>>;
  usage(): Promise<Usage>;
  close(): Promise<void>;
}

const ENTRY = fileURLToPath(new URL('./emulators.ts', import.meta.url));

export async function startEmulatorProcess(args: EmulatorArgs, log: (line: string) => void): Promise<EmulatorProcess> {
  // execArgv is set, not inherited: a test runner's own flags must not leak into the child.
  const child: ChildProcess = fork(ENTRY, [JSON.stringify(args)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    for (const line of text.split('\n')) if (line.trim()) log(`emulators (pid ${child.pid}): ${line.trim()}`);
  });

  const pending = new Map<number, (result: unknown) => void>();
  let nextId = 1;
  const ready = new Promise<{ settings: BackendSettings; ids: GeneratedIds }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench emulators exited with code ${code} before they were ready`)));
    child.on('message', (m: { ready?: { settings: BackendSettings; ids: GeneratedIds }; id?: number; result?: unknown }) => {
      if (m.ready) resolve(m.ready);
      else if (m.id !== undefined) { pending.get(m.id)?.(m.result); pending.delete(m.id); }
    });
  });
  const { settings, ids } = await ready;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const send = <T>(cmd: Record<string, unknown>): Promise<T> => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, resolve as (r: unknown) => void);
    child.send({ id, ...cmd }, (err) => { if (err) { pending.delete(id); reject(err); } });
  });

  return {
    settings, ids, pid: child.pid!,
    setLatency: (ms) => send({ cmd: 'setLatency', ms }),
    reset: () => send({ cmd: 'reset' }),
    counts: () => send({ cmd: 'counts' }),
    span: () => send({ cmd: 'span' }),
    timeline: () => send({ cmd: 'timeline' }),
    usage: () => send({ cmd: 'usage' }),
    async close() {
      if (child.exitCode !== null) return;
      await send({ cmd: 'close' }).catch(() => undefined);
      const timer = setTimeout(() => child.kill(), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
