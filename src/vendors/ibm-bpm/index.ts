// IBM BPM / BAW as a vendor module: everything taskhub knows about IBM BPM is reached from here.

import { defineVendor } from '../vendor.js';
import { IBM_BPM_WRITES } from './model.js';
import { IbmBpmClient } from './client.js';
import { ibmBpmSchema } from './schema.js';

export interface IbmBpmSettings { baseUrl: string; username: string; password: string }

export const ibmBpm = defineVendor({
  backend: 'IBM_BPM',
  description: 'IBM BPM / Business Automation Workflow, BPEL human tasks (REST, Basic).',
  inputField: 'ibmBpm',
  nativeIdName: 'IBM tkiid',
  writes: IBM_BPM_WRITES,
  settings: {
    baseUrlVar: 'IBM_BPM_BASE_URL',
    basePathProblem: (path) => (path === '/' ? null : 'a base without a path, such as https://bpm.example.com:9443'),
    read: (env, baseUrl): IbmBpmSettings => ({
      baseUrl, username: env.need('IBM_BPM_USERNAME', 'IBM_BPM_BASE_URL'), password: env.need('IBM_BPM_PASSWORD', 'IBM_BPM_BASE_URL'),
    }),
    secrets: (s) => ({ secrets: [s.password], basicPairs: [[s.username, s.password]], identities: [s.username] }),
  },
  nativeIdOf: (update) => update.id,
  createAdapter: (s, common) => new IbmBpmClient({ ...common, username: s.username, password: s.password }),
  schema: ibmBpmSchema,
  startEmulator: async (options) => {
    const { IBM_BPM_DEMO_CREDENTIALS, startIbmBpmEmulator } = await import('./emulator.js');
    const emulator = await startIbmBpmEmulator(options);
    return Object.assign(emulator, { settings: { baseUrl: emulator.server.url, ...IBM_BPM_DEMO_CREDENTIALS } as IbmBpmSettings });
  },
});
