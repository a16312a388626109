// SuperOffice batch tasks as a vendor module: everything taskhub knows about SuperOffice is reached from here.

import { defineVendor } from '../vendor.js';
import { SUPEROFFICE_WRITES } from './model.js';
import { SuperOfficeClient } from './client.js';
import { superOfficeSchema } from './schema.js';

export interface SuperOfficeSettings { baseUrl: string; token: string; appToken?: string; writeConcurrency: number }

export const superOffice = defineVendor({
  backend: 'SUPEROFFICE',
  description: 'SuperOffice CRM Web API v1 batch tasks (REST, Bearer).',
  inputField: 'superOffice',
  nativeIdName: 'SuperOffice BatchTask id',
  writes: SUPEROFFICE_WRITES,
  settings: {
    baseUrlVar: 'SUPEROFFICE_BASE_URL',
    // The tenant root carries the tenant (/Cust12345); the adapter adds /api/v1 itself.
    basePathProblem: (path) => (/\/api(\/|$)/i.test(path) ? 'the tenant root, such as https://online.superoffice.com/Cust12345 (without /api)' : null),
    read: (env, baseUrl): SuperOfficeSettings => {
      const appToken = env.str('SUPEROFFICE_APP_TOKEN');
      return {
        baseUrl, token: env.need('SUPEROFFICE_TOKEN', 'SUPEROFFICE_BASE_URL'),
        ...(appToken === undefined ? {} : { appToken }),
        writeConcurrency: env.int('SUPEROFFICE_WRITE_CONCURRENCY', 8, 1, 256),
      };
    },
    secrets: (s) => ({ secrets: [s.token, ...(s.appToken ? [s.appToken] : [])], basicPairs: [], identities: [] }),
  },
  nativeIdOf: (update) => update.id,
  createAdapter: (s, common) => new SuperOfficeClient({
    ...common, token: s.token, ...(s.appToken === undefined ? {} : { appToken: s.appToken }), writeConcurrency: s.writeConcurrency,
  }),
  schema: superOfficeSchema,
  startEmulator: async (options) => {
    const { SUPEROFFICE_DEMO_CREDENTIALS, startSuperOfficeEmulator } = await import('./emulator.js');
    const emulator = await startSuperOfficeEmulator(options);
    const settings: SuperOfficeSettings = { baseUrl: emulator.tenantUrl, ...SUPEROFFICE_DEMO_CREDENTIALS, writeConcurrency: 8 };
    return Object.assign(emulator, { settings });
  },
});
