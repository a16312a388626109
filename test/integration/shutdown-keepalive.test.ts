// Graceful shutdown of the real process, issue 9 item 8b: keep-alive connections are closed as soon as
// their answers are sent, so an idle client socket does not hold the process until the shutdown timeout.

import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startReplica } from '../support/replica.js';

describe('SIGINT with keep-alive clients', () => {
  it('closes keep-alive connections once their answers are sent, instead of waiting out the shutdown timeout', async () => {
    // A shutdown timeout far beyond the test's own: the process must not need it.
    const replica = await startReplica({ TASKHUB_EMULATOR_LATENCY_MS: '300', TASKHUB_SHUTDOWN_TIMEOUT_MS: '120000' }, 15_000);
    const base = replica.url;
    // Keeps its idle sockets open for as long as the server does (undici's fetch would close them itself).
    const agent = new Agent({ keepAlive: true });
    try {
      const post = (query: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${base}/graphql`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          let body = '';
          res.on('data', (d) => { body += String(d); });
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ query }));
      });
      // One answered request leaves an idle connection; a second is in flight when the signal comes.
      expect((await post('{ __typename }')).status).toBe(200);
      const inFlight = post('{ tasks(first: 3) { edges { node { nativeId } } } }');
      await new Promise((r) => setTimeout(r, 100));
      replica.process.kill('SIGINT');
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body).data.tasks.edges).toHaveLength(3);
      expect(await replica.exited).toBe(0);
      expect(replica.output()).toMatch(/"msg":"stopped"/);
      expect(replica.output()).not.toMatch(/did not finish in time|aborting/);
    } finally {
      agent.destroy();
      await replica.kill();
    }
  }, 30_000);
});
