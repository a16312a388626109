// The embedded default: the four built-in vendor emulators on free loopback ports, seeded with demo
// tasks, and the backend settings that point the facade at them. Used by `npm start` when no
// *_BASE_URL is set, by the integration tests and by the benchmarks.

import type { BackendSettings } from './config.js';
import { startZuoraEmulator, ZUORA_DEMO_CREDENTIALS } from './backends/zuora/emulator.js';
import { startIbmBpmEmulator, IBM_BPM_DEMO_CREDENTIALS } from './backends/ibm-bpm/emulator.js';
import { startK2Emulator, K2_DEMO_CREDENTIALS } from './backends/k2/emulator.js';
import { startSuperOfficeEmulator, SUPEROFFICE_DEMO_CREDENTIALS } from './backends/superoffice/emulator.js';

export interface EmbeddedOptions {
  host?: string;
  latencyMs?: number;
  /** Generated tasks added to each vendor's demo seed (benchmarks). */
  extraTasks?: number;
}

export type EmbeddedBackends = Awaited<ReturnType<typeof startEmbeddedBackends>>;

export async function startEmbeddedBackends(opts: EmbeddedOptions = {}) {
  const common = { host: opts.host ?? '127.0.0.1', latencyMs: opts.latencyMs ?? 0, extraTasks: opts.extraTasks ?? 0 };
  const [zuora, ibmBpm, k2, superOffice] = await Promise.all([
    startZuoraEmulator(common),
    startIbmBpmEmulator(common),
    startK2Emulator(common),
    startSuperOfficeEmulator(common),
  ]);
  const settings: BackendSettings = {
    ZUORA: { baseUrl: zuora.server.url, ...ZUORA_DEMO_CREDENTIALS },
    IBM_BPM: { baseUrl: ibmBpm.server.url, ...IBM_BPM_DEMO_CREDENTIALS },
    K2: { baseUrl: k2.serviceRoot, ...K2_DEMO_CREDENTIALS },
    SUPEROFFICE: { baseUrl: superOffice.tenantUrl, ...SUPEROFFICE_DEMO_CREDENTIALS, writeConcurrency: 8 },
  };
  return {
    zuora, ibmBpm, k2, superOffice, settings,
    /** Sets the latency of all four (benchmarks). */
    setLatency(ms: number) { for (const e of [zuora, ibmBpm, k2, superOffice]) e.server.latencyMs = ms; },
    close: () => Promise.all([zuora.close(), ibmBpm.close(), k2.close(), superOffice.close()]).then(() => undefined),
  };
}
