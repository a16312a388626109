// One SuperOfficeClient against its own SuperOffice emulator per test, closed after each test of the calling
// file; `track` closes anything else a test opens.

import { afterEach } from 'vitest';
import { DEFAULT_TRAFFIC_POLICY } from '../../src/transport/policy.js';
import { SuperOfficeClient } from '../../src/vendors/superoffice/client.js';
import type { SuperOfficeClientOptions } from '../../src/vendors/superoffice/client.js';
import { SUPEROFFICE_DEMO_CREDENTIALS, startSuperOfficeEmulator } from '../../src/vendors/superoffice/emulator.js';
import type { SuperOfficeEmulatorOptions } from '../../src/vendors/superoffice/emulator.js';

export const SUPEROFFICE_TEST_POLICY = { ...DEFAULT_TRAFFIC_POLICY, retryBaseMs: 1, retryMaxMs: 20, firstByteTimeoutMs: 1000, totalTimeoutMs: 3000 };

export function useSuperOffice() {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => { await Promise.all(open.splice(0).map((o) => o.close())); });
  const track = (...closables: Array<{ close(): Promise<void> }>) => { open.push(...closables); };
  const setup = async (emuOpts: SuperOfficeEmulatorOptions = {}, clientOpts: Partial<SuperOfficeClientOptions> = {}) => {
    const emu = await startSuperOfficeEmulator({ host: '127.0.0.1', port: 0, ...emuOpts });
    const client = new SuperOfficeClient({ baseUrl: emu.tenantUrl, policy: SUPEROFFICE_TEST_POLICY, token: SUPEROFFICE_DEMO_CREDENTIALS.token, ...clientOpts });
    track(client, emu);
    return { emu, client };
  };
  return { setup, track };
}
