// The embedded default: every registered vendor's emulator on a free loopback port, seeded with demo tasks,
// and the backend settings that point the facade at them. Used by `npm start` when no *_BASE_URL is set, by
// the integration tests and by the benchmarks. Each emulator is also reachable by its vendor's input field
// name (`embedded.<field>.server`), for tests that inspect or fault a vendor.

import { VENDORS } from './vendors/index.js';
import type { BackendSettings } from './vendors/index.js';
import type { AnyVendorModule, EmulatorOf, EmulatorOptions, StartedEmulator, VendorSettings } from './vendors/vendor.js';

export type EmbeddedOptions = EmulatorOptions;

type Emulators<L extends readonly AnyVendorModule[]> = { [M in L[number] as M['inputField']]: EmulatorOf<M> };

export type EmbeddedBackends<L extends readonly AnyVendorModule[] = typeof VENDORS> = Emulators<L> & {
  /** Settings pointing at each emulator, by backend. */
  settings: BackendSettings;
  /** Each emulator, by backend. */
  byBackend: ReadonlyMap<string, StartedEmulator<VendorSettings>>;
  /** Sets the latency of every emulator (benchmarks). */
  setLatency(ms: number): void;
  close(): Promise<void>;
};

export async function startEmbeddedBackends<L extends readonly AnyVendorModule[] = typeof VENDORS>(
  opts: EmbeddedOptions = {}, vendors: L = VENDORS as unknown as L,
): Promise<EmbeddedBackends<L>> {
  const common = { host: opts.host ?? '127.0.0.1', latencyMs: opts.latencyMs ?? 0, extraTasks: opts.extraTasks ?? 0 };
  const started: Array<StartedEmulator<VendorSettings>> = await Promise.all(vendors.map((v) => v.startEmulator(common)));
  const settings: BackendSettings = {};
  const byBackend = new Map<string, StartedEmulator<VendorSettings>>();
  const byField: Record<string, StartedEmulator<VendorSettings>> = {};
  vendors.forEach((v, i) => {
    settings[v.backend] = started[i]!.settings;
    byBackend.set(v.backend, started[i]!);
    byField[v.inputField] = started[i]!;
  });
  return Object.assign(byField as Emulators<L>, {
    settings,
    byBackend,
    setLatency(ms: number) { for (const e of started) e.server.latencyMs = ms; },
    close: () => Promise.all(started.map((e) => e.close())).then(() => undefined),
  });
}
