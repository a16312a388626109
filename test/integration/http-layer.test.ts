// The shared HTTP path against a real loopback server: what is retried and what never is, deadlines,
// size caps, compression bombs and the circuit breaker.

import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { VendorTransport } from '../../src/transport/vendor-transport.js';
import { DEFAULT_TRAFFIC_POLICY } from '../../src/transport/policy.js';
import type { TrafficPolicy } from '../../src/transport/policy.js';
import { retryAfterMs } from '../../src/shared/retry-after.js';
import { startEmulatorServer } from '../../src/vendors/emulator-kit.js';
import type { EmulatorServer } from '../../src/vendors/emulator-kit.js';
import { getEventListeners } from 'node:events';
import { BackendError } from '../../src/errors.js';

const policy: TrafficPolicy = {
  ...DEFAULT_TRAFFIC_POLICY, retryBaseMs: 1, retryMaxMs: 50, firstByteTimeoutMs: 300, totalTimeoutMs: 1500,
  maxResponseBytes: 64 * 1024, breakerFailureThreshold: 3, breakerResetMs: 200,
};

let server: EmulatorServer;
let http: VendorTransport;
const open = async (p: Partial<TrafficPolicy> = {}) => {
  server = await startEmulatorServer({ name: 'test', handler: () => ({ status: 200, body: { ok: true } }) });
  http = new VendorTransport('ZUORA', server.url, { ...policy, ...p });
};
afterEach(async () => {
  await http?.close();
  await server?.close();
  http = undefined as unknown as VendorTransport;
  server = undefined as unknown as EmulatorServer;
});

const rejection = async (p: Promise<unknown>) => {
  try { await p; } catch (e) { return e as BackendError; }
  throw new Error('expected a rejection');
};

describe('VendorTransport', () => {
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

  // Zuora sends RateLimit-Reset (when its rate window resets, 0-60 s) on every reply: on a 503 it is no
  // request to wait, and read as one it ended every retry of a transient 5xx.
  it('retries a 503 that carries RateLimit-Reset as any 503; Retry-After on a 503 is still honoured', async () => {
    await open();
    server.addFault({ fault: { kind: 'status', status: 503, headers: { 'ratelimit-reset': '45', 'ratelimit-remaining': '90' } }, times: 1 });
    expect((await http.request({ method: 'GET', path: '/reset', idempotent: true })).status).toBe(200);
    expect(server.count('GET', /^\/reset$/)).toBe(2);
    server.addFault({ fault: { kind: 'status', status: 503, headers: { 'retry-after': '600' } }, times: 1 });
    expect((await http.request({ method: 'GET', path: '/after', idempotent: true })).status).toBe(503);
    expect(server.count('GET', /^\/after$/)).toBe(1);
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

  it('a garbled gzip body is a failed call that says so, retried like any broken exchange', async () => {
    await open();
    server.addFault({ fault: { kind: 'raw', status: 200, headers: { 'content-encoding': 'gzip' }, body: Buffer.from('not gzip') }, times: 1 });
    expect((await http.request({ method: 'GET', path: '/x', idempotent: true })).text()).toBe('{"ok":true}');
    expect(server.requests).toHaveLength(2);
    server.addFault({ fault: { kind: 'raw', status: 200, headers: { 'content-encoding': 'gzip' }, body: Buffer.from('not gzip') } });
    const err = await rejection(http.request({ method: 'GET', path: '/x', idempotent: false }));
    expect(err.code).toBe('BACKEND_UNAVAILABLE');
    expect(err.message).toBe('ZUORA sent a garbled compressed reply');
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
    http = new VendorTransport('K2', `${server.url}/K2Services/SyncREST.svc`, policy);
    await http.request({ method: 'GET', path: `/Task/${encodeURIComponent('a/../b?c')}`, idempotent: true });
    expect(server.requests[0]!.rawPath).toBe('/K2Services/SyncREST.svc/Task/a%2F..%2Fb%3Fc');
  });

  it('an open circuit is not retried: no backoff, no second attempt (issue 9 item 9)', async () => {
    server = await startEmulatorServer({ name: 'test', handler: () => ({ status: 200 }) });
    let retries = 0;
    http = new VendorTransport('ZUORA', server.url, { ...policy, maxRetries: 2, breakerFailureThreshold: 1, breakerResetMs: 60_000 },
      { observer: { onRetry: () => { retries++; } } });
    server.addFault({ fault: { kind: 'status', status: 500 }, times: 1 });
    await http.request({ method: 'GET', path: '/x', idempotent: false });
    expect(http.breaker.state).toBe('open');
    const err = await rejection(http.request({ method: 'GET', path: '/x', idempotent: true }));
    expect(err.message).toMatch(/circuit open/);
    expect(retries).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  it('the circuit-open message keeps its cause, in words without host or port (issue 9 item 11d)', async () => {
    await open({ maxRetries: 0, breakerFailureThreshold: 1 });
    const { port } = new URL(server.url);
    await server.close();
    const changes: string[] = [];
    http = new VendorTransport('ZUORA', server.url, { ...policy, maxRetries: 0, breakerFailureThreshold: 1 },
      { observer: { onBreakerChange: (_b, state, cause) => changes.push(`${state} ${cause}`) } });
    const first = await rejection(http.request({ method: 'GET', path: '/x', idempotent: true }));
    expect(first.message).not.toContain(port);
    const err = await rejection(http.request({ method: 'GET', path: '/x', idempotent: true }));
    expect(err.message).toMatch(/circuit open after: connection refused/);
    expect(err.message).not.toMatch(/127\.0\.0\.1|localhost/);
    expect(err.message).not.toContain(port);
    expect((err.cause as { failure?: string }).failure).toBe('ECONNREFUSED');
    expect(changes).toEqual(['open ECONNREFUSED']);
  });

  it('many calls on one caller signal add one abort listener, and none is left after (issue 9 item 12c)', async () => {
    // Generous timeouts: this is about listeners, and a loaded machine must not turn it into a timeout test.
    await open({ firstByteTimeoutMs: 20_000, totalTimeoutMs: 30_000, breakerFailureThreshold: 1_000 });
    server.latencyMs = 30;
    const caller = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => { if (w.name === 'MaxListenersExceededWarning') warnings.push(w); };
    process.on('warning', onWarning);
    try {
      const calls = Array.from({ length: 30 }, (_, i) => http.request({ method: 'GET', path: `/x${i}`, idempotent: true, signal: caller.signal }));
      await new Promise((r) => setTimeout(r, 10));
      expect(getEventListeners(caller.signal, 'abort').length).toBeLessThanOrEqual(1);
      await Promise.all(calls);
      expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
      await new Promise((r) => setImmediate(r));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('a write cut off by its caller after it was sent is OUTCOME_UNKNOWN; one never sent is retryable (issue 9 item 8)', async () => {
    await open({ maxConnections: 1 });
    server.addFault({ fault: { kind: 'hang' } });
    const caller = new AbortController();
    const inFlight = rejection(http.request({ method: 'PUT', path: '/a', idempotent: true, body: '{}', signal: caller.signal }));
    const queued = rejection(http.request({ method: 'PUT', path: '/b', idempotent: true, body: '{}', signal: caller.signal }));
    while (server.requests.length < 1) await new Promise((r) => setTimeout(r, 5));
    caller.abort(new Error('shutting down'));
    expect(await inFlight).toMatchObject({ code: 'OUTCOME_UNKNOWN', retryable: false, requestMayHaveBeenSent: true });
    expect(await queued).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: true, requestMayHaveBeenSent: false });
    expect(server.requests.map((r) => r.path)).toEqual(['/a']);
  });
});
