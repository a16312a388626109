// Graceful shutdown of the real process: SIGTERM flips /ready to 503 first, lets an in-flight batch
// finish with every item answered, then exits 0.

import { describe, expect, it } from 'vitest';
import { BATCH } from '../support/harness.js';
import { startReplica } from '../support/replica.js';

describe('SIGTERM', () => {
  it('drains: /ready 503 while an in-flight batch completes, then exit 0', async () => {
    // The batch (two rounds of a read and a write at 1 s each) outlasts the 1.5 s drain window, so it is
    // still in flight when the server stops accepting: order, not timing, is what is asserted.
    const replica = await startReplica({ TASKHUB_EMULATOR_LATENCY_MS: '1000', TASKHUB_SHUTDOWN_DRAIN_MS: '1500' }, 15_000);
    const base = replica.url;
    try {
      for (let i = 0; i < 100 && (await fetch(`${base}/ready`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));

      // Nine writable SuperOffice tasks (109 is the seed's read-only one): two rounds at concurrency 8.
      const items = [101, 102, 103, 104, 105, 106, 107, 108, 110].map((id) => ({ superOffice: { id: String(id), description: `drain ${id}` } }));
      const batch = fetch(`${base}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: BATCH, variables: { input: { items } } }),
      }).then((r) => r.json());
      await new Promise((r) => setTimeout(r, 100));
      replica.process.kill('SIGTERM');
      // Asked as soon as the process says it is shutting down (polled, so a loaded machine only makes it later).
      for (let i = 0; i < 200 && !/shutting down/.test(replica.output()); i++) await new Promise((r) => setTimeout(r, 10));
      const draining = await fetch(`${base}/ready`);
      expect(draining.status).toBe(503);
      // Within the drain window, answers already close their connections, so keep-alive clients move away.
      expect(draining.headers.get('connection')).toBe('close');

      const result = await batch;
      expect(result.data.batchUpdateTasks.results).toHaveLength(items.length);
      expect(result.data.batchUpdateTasks.succeeded).toBe(items.length);
      expect(await replica.exited).toBe(0);
      expect(replica.output()).toMatch(/"msg":"stopped"/);
    } finally {
      await replica.kill();
    }
  }, 30_000);
});
