// One IbmBpmClient against its own IBM BPM emulator per test, closed after each test of the calling
// file; `track` closes anything else a test opens.

import { afterEach } from 'vitest';
import { DEFAULT_TRAFFIC_POLICY } from '../../src/transport/policy.js';
import { IbmBpmClient } from '../../src/vendors/ibm-bpm/client.js';
import type { IbmBpmClientOptions } from '../../src/vendors/ibm-bpm/client.js';
import { IBM_BPM_DEMO_CREDENTIALS, startIbmBpmEmulator } from '../../src/vendors/ibm-bpm/emulator.js';
import type { IbmBpmEmulatorOptions } from '../../src/vendors/ibm-bpm/emulator.js';

// Deliberate faults must not open the breaker for the tests that follow. Reads at 8 at once: with the 1 s
// first-byte deadline, 16 at once against an in-process emulator on a loaded machine time out and retry,
// which the call-counting tests would read as extra calls.
export const IBM_TEST_POLICY = {
  ...DEFAULT_TRAFFIC_POLICY, retryBaseMs: 1, retryMaxMs: 20, firstByteTimeoutMs: 1000, totalTimeoutMs: 3000, breakerFailureThreshold: 1000,
  readConcurrency: 8,
};

export function useIbmBpm() {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => { await Promise.all(open.splice(0).map((o) => o.close())); });
  const track = (...closables: Array<{ close(): Promise<void> }>) => { open.push(...closables); };
  const setup = async (emuOpts: IbmBpmEmulatorOptions = {}, clientOpts: Partial<IbmBpmClientOptions> = {}) => {
    const emu = await startIbmBpmEmulator({ host: '127.0.0.1', port: 0, ...emuOpts });
    const client = new IbmBpmClient({ baseUrl: emu.server.url, policy: IBM_TEST_POLICY, ...IBM_BPM_DEMO_CREDENTIALS, ...clientOpts });
    track(client, emu);
    return { emu, client };
  };
  return { setup, track };
}
