// K2 SyncREST as a vendor module: everything taskhub knows about K2 is reached from here.

import { defineVendor } from '../vendor.js';
import { K2_WRITES } from './model.js';
import { K2Client } from './client.js';
import { k2Schema } from './schema.js';

export interface K2Settings { baseUrl: string; username: string; password: string }

export const k2 = defineVendor({
  backend: 'K2',
  description: 'K2 blackpearl / K2 Five SyncREST Task service (XML, Basic).',
  inputField: 'k2',
  nativeIdName: 'K2 serial number',
  writes: K2_WRITES,
  settings: {
    baseUrlVar: 'K2_BASE_URL',
    basePathProblem: (path) => (/\/K2Services\/SyncREST\.svc\/?$/i.test(path) ? null : 'the service root ending in /K2Services/SyncREST.svc'),
    read: (env, baseUrl): K2Settings => ({
      baseUrl, username: env.need('K2_USERNAME', 'K2_BASE_URL'), password: env.need('K2_PASSWORD', 'K2_BASE_URL'),
    }),
    secrets: (s) => ({ secrets: [s.password], basicPairs: [[s.username, s.password]], identities: [s.username] }),
  },
  nativeIdOf: (update) => update.serialNumber,
  createAdapter: (s, common) => new K2Client({ ...common, username: s.username, password: s.password }),
  schema: k2Schema,
  startEmulator: async (options) => {
    const { K2_DEMO_CREDENTIALS, startK2Emulator } = await import('./emulator.js');
    const emulator = await startK2Emulator(options);
    return Object.assign(emulator, { settings: { baseUrl: emulator.serviceRoot, ...K2_DEMO_CREDENTIALS } as K2Settings });
  },
});
