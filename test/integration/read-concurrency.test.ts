// Reads by id go out to a backend at the traffic policy's read concurrency (<BACKEND>_READ_CONCURRENCY,
// default 16) per GraphQL request: a 20-alias query must not wait for three vendor round trips behind a
// fixed cap of 8. Concurrent requests share the backend's sockets (<BACKEND>_MAX_CONNECTIONS, default 64;
// Zuora's 32), so 32 clients reading by id do not queue behind 16 sockets while the server idles.
// Measured as the most GETs the emulator held at once (it holds every answer for a long latency), so this
// is about concurrency, not speed.

import { afterEach, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

const LATENCY_MS = 1000;
/** Deadlines far above the latency: these tests are about how many calls go out at once, on however loaded a machine. */
const PATIENT = { TASKHUB_FIRST_BYTE_TIMEOUT_MS: '20000', TASKHUB_TOTAL_TIMEOUT_MS: '30000' };

/** Concurrent queries, each reading 20 of `ids` by id (one alias per task), all sent at once. */
const readInTwenties = (harness: Harness, backend: string, ids: ReadonlyArray<string | number>) =>
  Promise.all(Array.from({ length: Math.ceil(ids.length / 20) }, (_, r) => harness.gql(
    `{ ${ids.slice(r * 20, r * 20 + 20).map((id, n) => `t${n}: task(backend: ${backend}, nativeId: "${id}") { nativeId }`).join(' ')} }`)));

/** GETs sent before the first could be answered, for `requests` concurrent queries of 20 reads by id each. */
async function firstWave(env: Record<string, string>, requests = 1, vendor: 'zuora' | 'ibmBpm' = 'zuora'): Promise<number> {
  h = await startHarness({ env: { ...PATIENT, ...env }, extraTasks: 20 * requests });
  const emulator = h.vendors[vendor];
  const backend = vendor === 'zuora' ? 'ZUORA' : 'IBM_BPM';
  const ids = [...emulator.tasks.keys()].slice(-20 * requests);
  h.vendors.setLatency(LATENCY_MS);
  emulator.server.requests.length = 0;
  emulator.server.takePeakInFlight();
  const answers = await readInTwenties(h, backend, ids);
  for (const res of answers) {
    expect(res.body.errors).toBeUndefined();
    expect(Object.values(res.body.data as Record<string, unknown>).filter(Boolean)).toHaveLength(20);
  }
  expect(emulator.server.requests.filter((r) => r.method === 'GET')).toHaveLength(20 * requests);
  // Counted at the emulator: the most requests it held at once. (Arrival timestamps were not enough: the
  // emulator times its latency from a moment a little before it stamps the request, so a second-wave GET
  // could carry a stamp inside the first wave's window.)
  return emulator.server.takePeakInFlight();
}

let h: Harness | undefined;
afterEach(async () => { await h?.close(); h = undefined; });

describe('read concurrency per backend', () => {
  it('sends up to 16 reads by id at once by default', async () => {
    expect(await firstWave({})).toBe(16);
  });

  it('follows <BACKEND>_READ_CONCURRENCY', async () => {
    expect(await firstWave({ ZUORA_READ_CONCURRENCY: '5' })).toBe(5);
  });

  it('lets concurrent requests use up to 64 sockets per backend by default', async () => {
    // Five requests want 80 reads at once (16 each); the process-wide socket cap lets 64 of them go.
    expect(await firstWave({}, 5, 'ibmBpm')).toBe(64);
  });

  it("keeps Zuora's default at 32 sockets, under its tenant's concurrency limit", async () => {
    expect(await firstWave({}, 5)).toBe(32);
  });

  it("stays under a Zuora tenant's concurrency limit of 40 by default, where 64 sockets would be refused", async () => {
    const readAtOnce = async (env: Record<string, string>) => {
      h = await startHarness({ env: { ...PATIENT, ...env }, extraTasks: 100 });
      const zuora = h.vendors.zuora;
      const ids = [...zuora.tasks.keys()].slice(-100);
      zuora.concurrencyLimit = 40;
      h.vendors.setLatency(300);
      const answers = await readInTwenties(h, 'ZUORA', ids);
      // Every alias gets one outcome: its task, or an error at its path saying Zuora refused.
      const read = answers.map((res) => Object.values(res.body.data as Record<string, unknown>).filter(Boolean).length);
      const errors = answers.flatMap((res) => (res.body.errors ?? []) as Array<{ message: string; path: string[] }>);
      expect(read.reduce((a, b) => a + b, 0) + errors.length).toBe(100);
      for (const e of errors) expect(e.message).toMatch(/Zuora is rate limiting requests \(HTTP 429\)/);
      const refused = zuora.refusedForConcurrency;
      await h.close();
      h = undefined;
      return { refused, errors: errors.length };
    };
    expect(await readAtOnce({})).toEqual({ refused: 0, errors: 0 });
    // 64 sockets put more than 40 reads in flight: the tenant refuses some (429, Retry-After: 1).
    expect((await readAtOnce({ ZUORA_MAX_CONNECTIONS: '64' })).refused).toBeGreaterThan(0);
  });

  it('follows <BACKEND>_MAX_CONNECTIONS across requests', async () => {
    expect(await firstWave({ ZUORA_MAX_CONNECTIONS: '24' }, 5)).toBe(24);
  });
});
