// Zuora Workflow as a vendor module: everything taskhub knows about Zuora is reached from here.

import { defineVendor } from '../vendor.js';
import { ZUORA_TRAFFIC, ZUORA_WRITES } from './model.js';
import { ZuoraClient } from './client.js';
import { zuoraSchema } from './schema.js';

export interface ZuoraSettings { baseUrl: string; clientId: string; clientSecret: string }

export const zuora = defineVendor({
  backend: 'ZUORA',
  description: 'Zuora Workflow (REST, OAuth client credentials).',
  inputField: 'zuora',
  nativeIdName: 'Zuora task id',
  writes: ZUORA_WRITES,
  traffic: ZUORA_TRAFFIC,
  settings: {
    baseUrlVar: 'ZUORA_BASE_URL',
    basePathProblem: (path) => (path === '/' ? null : 'a base without a path, such as https://rest.test.zuora.com'),
    read: (env, baseUrl): ZuoraSettings => ({
      baseUrl, clientId: env.need('ZUORA_CLIENT_ID', 'ZUORA_BASE_URL'), clientSecret: env.need('ZUORA_CLIENT_SECRET', 'ZUORA_BASE_URL'),
    }),
    secrets: (s) => ({ secrets: [s.clientSecret], basicPairs: [[s.clientId, s.clientSecret]], identities: [s.clientId] }),
  },
  nativeIdOf: (update) => update.id,
  createAdapter: (s, common) => new ZuoraClient({ ...common, clientId: s.clientId, clientSecret: s.clientSecret }),
  schema: zuoraSchema,
  startEmulator: async (options) => {
    const { ZUORA_DEMO_CREDENTIALS, startZuoraEmulator } = await import('./emulator.js');
    const emulator = await startZuoraEmulator(options);
    return Object.assign(emulator, { settings: { baseUrl: emulator.server.url, ...ZUORA_DEMO_CREDENTIALS } as ZuoraSettings });
  },
});
