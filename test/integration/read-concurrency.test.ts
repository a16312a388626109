// Reads by id go out to a backend at the traffic policy's read concurrency (<BACKEND>_READ_CONCURRENCY,
// default 16) per GraphQL request: a 20-alias query must not wait for three vendor round trips behind a
// fixed cap of 8. Measured as how many GETs the emulator has received before the first one can have been
// answered (the emulator holds every answer for a long latency), so this is about concurrency, not speed.

import { afterEach, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
import type { Harness } from '../support/harness.js';

const LATENCY_MS = 1000;

async function firstWave(env: Record<string, string>): Promise<number> {
  // Deadlines far above the latency: this is about how many go out at once, on however loaded a machine.
  h = await startHarness({ env: { TASKHUB_FIRST_BYTE_TIMEOUT_MS: '20000', TASKHUB_TOTAL_TIMEOUT_MS: '30000', ...env }, extraTasks: 20 });
  const ids = [...h.vendors.zuora.tasks.keys()].slice(-20);
  h.vendors.setLatency(LATENCY_MS);
  h.vendors.zuora.server.requests.length = 0;
  const query = `{ ${ids.map((id, n) => `t${n}: task(backend: ZUORA, nativeId: "${id}") { nativeId }`).join(' ')} }`;
  const res = await h.gql(query);
  expect(res.body.errors).toBeUndefined();
  expect(Object.values(res.body.data as Record<string, unknown>).filter(Boolean)).toHaveLength(20);
  const gets = h.vendors.zuora.server.requests.filter((r) => r.method === 'GET').map((r) => r.at).sort((a, b) => a - b);
  expect(gets).toHaveLength(20);
  // A second-wave GET leaves only after a first-wave answer, which the emulator holds LATENCY_MS: whatever
  // arrived before then is the first wave (timers never fire early, so this holds on a loaded machine too).
  return gets.filter((at) => at < gets[0]! + LATENCY_MS).length;
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
});
