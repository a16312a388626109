// THE registry: the one list of vendor modules, in the order `tasks` merges them (and the `Backend` enum,
// the @oneOf input, the embedded default and the metrics list them). The only core file naming vendors:
// adding a vendor is one folder under src/vendors/ and one line here.

import type { SettingsOf, VendorSettings } from './vendor.js';
import { zuora } from './zuora/index.js';
import { ibmBpm } from './ibm-bpm/index.js';
import { k2 } from './k2/index.js';
import { superOffice } from './superoffice/index.js';

export const VENDORS = [zuora, ibmBpm, k2, superOffice] as const;

type Registered = (typeof VENDORS)[number];

/** The registered backend values, in merge order. */
export const BACKENDS: ReadonlyArray<Registered['backend']> = VENDORS.map((v) => v.backend);

/** Settings by backend: typed for the registered vendors; any other key is a module registered at run time (tests). */
export type BackendSettings = { [M in Registered as M['backend']]?: SettingsOf<M> }
  & { [backend: string]: VendorSettings | undefined };
