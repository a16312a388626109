// HTTP edges a client or a probe meets, found by a client-compatibility audit: probe paths matched exactly,
// requests without a query, Apollo's persisted-query hashes, and File variables that are not uploads.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

let h: Harness;
let url = '';
beforeAll(async () => { h = await startHarness(); url = await h.listen(); });
afterAll(() => h.close());

describe('probes', () => {
  it('/health and /ready answer at exactly their path', async () => {
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect([200, 503]).toContain((await fetch(`${url}/ready`)).status);
    for (const path of ['/x/health', '/api/health', '/graphql/health']) {
      expect((await fetch(`${url}${path}`, { method: 'DELETE' })).status, path).toBe(404);
    }
  });

  it('a GraphQL GET whose query string ends in /health is GraphQL, not a health answer', async () => {
    const res = await fetch(`${url}/graphql?query=${encodeURIComponent('{ __typename }')}&x=/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
