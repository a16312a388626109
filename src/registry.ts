// The configured backends, in the fixed order lists are merged in. Adding a vendor is one line here.

import { BACKENDS } from './domain.js';
import type { Backend } from './domain.js';
import type { BackendAdapter } from './backends/adapter.js';
import type { HttpObserver } from './transport/vendor-transport.js';
import type { Config } from './config.js';
import { ZuoraClient } from './backends/zuora/client.js';
import { IbmBpmClient } from './backends/ibm-bpm/client.js';
import { K2Client } from './backends/k2/client.js';
import { SuperOfficeClient } from './backends/superoffice/client.js';

type AdapterMap = { [B in Backend]?: BackendAdapter<B> };

export class Registry {
  constructor(private readonly adapters: AdapterMap) {}

  get<B extends Backend>(backend: B): BackendAdapter<B> | undefined {
    return this.adapters[backend] as BackendAdapter<B> | undefined;
  }

  /** Configured adapters in the merge order of BACKENDS. */
  all(): BackendAdapter[] {
    return BACKENDS.flatMap((b) => (this.adapters[b] ? [this.adapters[b] as BackendAdapter] : []));
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.all().map((a) => a.close()));
  }
}

export function createRegistry(config: Pick<Config, 'backends' | 'traffic'>, observer?: HttpObserver): Registry {
  const { backends: b, traffic } = config;
  const common = <B extends Backend>(backend: B, baseUrl: string) =>
    ({ baseUrl, policy: traffic[backend], ...(observer ? { observer } : {}) });
  return new Registry({
    ...(b.ZUORA && { ZUORA: new ZuoraClient({ ...common('ZUORA', b.ZUORA.baseUrl), clientId: b.ZUORA.clientId, clientSecret: b.ZUORA.clientSecret }) }),
    ...(b.IBM_BPM && { IBM_BPM: new IbmBpmClient({ ...common('IBM_BPM', b.IBM_BPM.baseUrl), username: b.IBM_BPM.username, password: b.IBM_BPM.password }) }),
    ...(b.K2 && { K2: new K2Client({ ...common('K2', b.K2.baseUrl), username: b.K2.username, password: b.K2.password }) }),
    ...(b.SUPEROFFICE && { SUPEROFFICE: new SuperOfficeClient({
      ...common('SUPEROFFICE', b.SUPEROFFICE.baseUrl), token: b.SUPEROFFICE.token,
      ...(b.SUPEROFFICE.appToken === undefined ? {} : { appToken: b.SUPEROFFICE.appToken }),
      writeConcurrency: b.SUPEROFFICE.writeConcurrency,
    }) }),
  });
}
