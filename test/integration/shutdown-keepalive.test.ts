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

describe('SIGTERM drain window with keep-alive clients', () => {
  it('leaves idle keep-alive connections open during the window (a client may be reusing one), answers with Connection: close, and closes them after', async () => {
    // A window long enough that a loaded machine's slow start of the checks still falls inside it.
    const replica = await startReplica({ TASKHUB_SHUTDOWN_DRAIN_MS: '3000' }, 15_000);
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    try {
      const get = (path: string) => new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        const req = request(`${replica.url}${path}`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
        });
        req.on('error', reject);
        req.end();
      });
      // Two connections, both idle when the signal comes.
      await Promise.all([get('/health'), get('/health')]);
      const idle = Object.values(agent.freeSockets).flat();
      expect(idle).toHaveLength(2);
      let closedEarly = 0;
      for (const socket of idle) socket!.once('close', () => { closedEarly++; });
      replica.process.kill('SIGTERM');
      for (let i = 0; i < 200 && !/shutting down/.test(replica.output()); i++) await new Promise((r) => setTimeout(r, 10));
      // Answered within the window on one connection: that one closes; the other, idle, is left alone.
      expect(await get('/ready')).toEqual({ status: 503, connection: 'close' });
      await new Promise((r) => setTimeout(r, 300));
      expect(closedEarly).toBe(1);
      expect(await replica.exited).toBe(0);
    } finally {
      agent.destroy();
      await replica.kill();
    }
  }, 30_000);
});
