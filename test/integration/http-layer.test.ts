// The shared HTTP path against a real loopback server: what is retried and what never is, deadlines,
// size caps, compression bombs and the circuit breaker.

import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendHttp, DEFAULT_TRAFFIC_POLICY, retryAfterMs } from '../../src/backends/http.js';
import type { TrafficPolicy } from '../../src/backends/http.js';
import { startEmulatorServer } from '../../src/backends/emulator-kit.js';
import type { EmulatorServer } from '../../src/backends/emulator-kit.js';
import { BackendError } from '../../src/errors.js';

const policy: TrafficPolicy = {
  ...DEFAULT_TRAFFIC_POLICY, retryBaseMs: 1, retryMaxMs: 50, firstByteTimeoutMs: 300, totalTimeoutMs: 1500,
  maxResponseBytes: 64 * 1024, breakerFailureThreshold: 3, breakerResetMs: 200,
};

let server: EmulatorServer;
let http: BackendHttp;
const open = async (p: Partial<TrafficPolicy> = {}) => {
  server = await startEmulatorServer({ name: 'test', handler: () => ({ status: 200, body: { ok: true } }) });
  http = new BackendHttp('ZUORA', server.url, { ...policy, ...p });
};
afterEach(async () => {
  await http?.close();
  await server?.close();
  http = undefined as unknown as BackendHttp;
  server = undefined as unknown as EmulatorServer;
});

const rejection = async (p: Promise<unknown>) => {
  try { await p; } catch (e) { return e as BackendError; }
  throw new Error('expected a rejection');
};

describe('BackendHttp', () => {
  it('retries an idempotent GET on 503 and returns the eventual answer', async () => {
    await open();
    server.addFault({ fault: { kind: 'status', status: 503 }, times: 2 });
    const res = await http.request({ method: 'GET', path: '/x', idempotent: true });
    expect(res.status).toBe(200);
    expect(server.count('GET')).toBe(3);
  });

  it('never retries a non-idempotent POST, even on 503', async () => {
    await open();
    server.addFault({ fault: { kind: 'status', status: 503 }, times: 5 });
    const res = await http.request({ method: 'POST', path: '/x', idempotent: false, body: '<a/>' });
    expect(res.status).toBe(503);
    expect(server.count('POST')).toBe(1);
  });

  it('a POST whose connection drops after sending is reported as possibly sent, and not resent', async () => {
    await open();
    server.addFault({ fault: { kind: 'reset-after-handling' } });
    const err = await rejection(http.request({ method: 'POST', path: '/x', idempotent: false, body: '<a/>' }));
    expect(err).toBeInstanceOf(BackendError);
    expect(err.requestMayHaveBeenSent).toBe(true);
    expect(server.count('POST')).toBe(1);
  });

  it('a refused connection is reported as not sent', async () => {
    await open();
    await server.close();
    const err = await rejection(http.request({ method: 'POST', path: '/x', idempotent: false }));
    expect(err.code).toBe('BACKEND_UNAVAILABLE');
    expect(err.requestMayHaveBeenSent).toBe(false);
    expect(err.retryable).toBe(true);
  });

  it('honours Retry-After within the wait budget and gives up beyond it', async () => {
    await open();
    server.addFault({ fault: { kind: 'status', status: 429, headers: { 'retry-after': '0' } }, times: 1 });
    expect((await http.request({ method: 'GET', path: '/x', idempotent: true })).status).toBe(200);
    server.addFault({ fault: { kind: 'status', status: 429, headers: { 'ratelimit-reset': '600' } } });
    const res = await http.request({ method: 'GET', path: '/y', idempotent: true });
    expect(res.status).toBe(429);
    expect(server.count('GET', /^\/y$/)).toBe(1);
  });

  it('reads Retry-After as seconds, as an HTTP date, and Zuora ratelimit-reset', () => {
    expect(retryAfterMs({ 'retry-after': '2' })).toBe(2000);
    expect(retryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, 4_000)).toBe(6000);
    expect(retryAfterMs({ 'ratelimit-reset': '3' })).toBe(3000);
    expect(retryAfterMs({})).toBeUndefined();
  });

  it('times out a vendor that never answers, without retrying a POST', async () => {
    await open();
    server.addFault({ fault: { kind: 'hang' } });
    const err = await rejection(http.request({ method: 'POST', path: '/x', idempotent: false }));
    expect(err.code).toBe('BACKEND_UNAVAILABLE');
    expect(err.message).toMatch(/did not answer within/);
    expect(server.count('POST')).toBe(1);
  });

  it('refuses a reply over the size cap', async () => {
    await open();
    server.addFault({ fault: { kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: 'x'.repeat(100_000) } });
    const err = await rejection(http.request({ method: 'GET', path: '/x', idempotent: false }));
    expect(err.message).toMatch(/larger than 65536 bytes/);
  });

  it('decodes gzip, and bounds a gzip bomb to the same cap', async () => {
    await open();
    server.addFault({ fault: { kind: 'raw', status: 200, headers: { 'content-encoding': 'gzip' }, body: gzipSync('{"ok":1}') }, times: 1 });
    expect((await http.request({ method: 'GET', path: '/x', idempotent: false })).text()).toBe('{"ok":1}');
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(policy.maxResponseBytes);
    server.addFault({ fault: { kind: 'raw', status: 200, headers: { 'content-encoding': 'gzip' }, body: bomb } });
    const err = await rejection(http.request({ method: 'GET', path: '/x', idempotent: false }));
    expect(err.message).toMatch(/compressed reply larger than/);
  });

  it('a truncated body is a failed call, not a short success', async () => {
    await open();
    server.addFault({ fault: { kind: 'truncate' } });
    const err = await rejection(http.request({ method: 'GET', path: '/x', idempotent: false }));
    expect(err.code).toBe('BACKEND_UNAVAILABLE');
  });

  it('opens the circuit after repeated failures, fails fast without sending, then probes and closes', async () => {
    await open({ maxRetries: 0 });
    server.addFault({ fault: { kind: 'status', status: 500 }, times: 3 });
    for (let i = 0; i < 3; i++) await http.request({ method: 'GET', path: '/x', idempotent: true });
    expect(http.breaker.state).toBe('open');
    const sent = server.requests.length;
    const err = await rejection(http.request({ method: 'GET', path: '/x', idempotent: true }));
    expect(err.message).toMatch(/circuit open/);
    expect(err.requestMayHaveBeenSent).toBe(false);
    expect(server.requests.length).toBe(sent);
    await new Promise((r) => setTimeout(r, 250));
    expect((await http.request({ method: 'GET', path: '/x', idempotent: true })).status).toBe(200);
    expect(http.breaker.state).toBe('closed');
  });

  it('keeps a base path and sends ids as one encoded segment', async () => {
    server = await startEmulatorServer({ name: 'test', handler: () => ({ status: 200 }) });
    http = new BackendHttp('K2', `${server.url}/K2Services/SyncREST.svc`, policy);
    await http.request({ method: 'GET', path: `/Task/${encodeURIComponent('a/../b?c')}`, idempotent: true });
    expect(server.requests[0]!.rawPath).toBe('/K2Services/SyncREST.svc/Task/a%2F..%2Fb%3Fc');
  });
});
