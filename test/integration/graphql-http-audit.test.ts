// The GraphQL-over-HTTP conformance audit (graphql-http's serverAudits) against a live taskhub.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAudits } from 'graphql-http';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

let h: Harness;
let url = '';
beforeAll(async () => { h = await startHarness(); url = `${await h.listen()}/graphql`; });
afterAll(() => h.close());

// GET audits are "simple" requests: they carry the CSRF header a real client would send.
const fetchFn = (input: RequestInfo | URL, init: RequestInit = {}) =>
  fetch(input, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-graphql-yoga-csrf': '1' } });

describe('GraphQL over HTTP audit', () => {
  for (const audit of serverAudits({ url: () => url, fetchFn })) {
    it(audit.name, async () => {
      const result = await audit.fn();
      if (result.status !== 'ok') throw new Error(`${result.status}: ${result.reason}`);
      expect(result.status).toBe('ok');
    });
  }
});
