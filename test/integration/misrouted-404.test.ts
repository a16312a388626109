// A 404 is "no such task" only when it is the vendor's own answer: Zuora's Errors document, an IBM error
// with its CW code, a K2 Failure, SuperOffice's SoNotFoundException. A bare 404 or a proxy's HTML page
// means the call never reached the vendor's API (a wrong base path, a gateway in between): the task may
// well exist, so it is an error, never a silent null.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

const PROXY_404 = { kind: 'raw' as const, status: 404, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>404 Not Found</h1><hr>nginx</body></html>' };

describe('reads: a 404 that is not the vendor speaking', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); });
  afterAll(() => h.close());

  const cases = [
    { backend: 'ZUORA', nativeId: '2771', server: () => h.vendors.zuora.server },
    { backend: 'IBM_BPM', nativeId: '_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0135', server: () => h.vendors.ibmBpm.server },
    { backend: 'K2', nativeId: '12_8', server: () => h.vendors.k2.server },
    { backend: 'SUPEROFFICE', nativeId: '101', server: () => h.vendors.superOffice.server },
  ];

  it.each(cases)('$backend: an existing task behind a proxy 404 is BACKEND_UNAVAILABLE, not null', async ({ backend, nativeId, server }) => {
    const query = `{ task(backend: ${backend}, nativeId: "${nativeId}") { nativeId } }`;
    expect((await h.gql(query)).body.data.task).toEqual({ nativeId });
    server().addFault({ method: 'GET', fault: PROXY_404 });
    try {
      const res = await h.gql(query);
      expect(res.body.data.task).toBeNull();
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BACKEND_UNAVAILABLE', backend });
    } finally {
      server().clearFaults();
    }
  });

  it.each([
    ['ZUORA', '99999'], ['IBM_BPM', '_TKI:a01b0130.23ef69dd.2c2a1ff5.00000000'], ['K2', '99_1'], ['SUPEROFFICE', '99999'],
  ])("%s: the vendor's own not-found answer is still null, without an error", async (backend, nativeId) => {
    const res = await h.gql(`{ task(backend: ${backend}, nativeId: "${nativeId}") { nativeId } }`);
    expect(res.body.data.task).toBeNull();
    expect(res.body.errors).toBeUndefined();
  });
});
