// retry.ts on a real socket: idempotent calls only, whole replies only, and never an open circuit.

import { describe, expect, it } from 'vitest';
import { retry } from '../../../src/transport/retry.js';
import { CircuitBreaker, circuitBreaker } from '../../../src/transport/breaker.js';
import { call, usePiece } from '../../support/transport.js';

const { serve, compose } = usePiece();
let retries = 0;
const policy = { maxRetries: 2, baseMs: 1, maxMs: 50, onRetry: () => { retries++; } };

describe('retry', () => {
  it('retries an idempotent call on 503 and hands on the eventual answer', async () => {
    const server = await serve();
    server.addFault({ fault: { kind: 'status', status: 503 }, times: 2 });
    const d = compose(server.url, retry(policy));
    expect(await call(d, { idempotent: true })).toMatchObject({ status: 200 });
    expect(server.count('GET')).toBe(3);
  });

  it('passes a call not marked idempotent straight through, even on 503 or a reset', async () => {
    const server = await serve();
    server.addFault({ fault: { kind: 'status', status: 503 }, times: 1 });
    const d = compose(server.url, retry(policy));
    expect(await call(d, { method: 'POST', body: 'x' })).toMatchObject({ status: 503 });
    server.addFault({ fault: { kind: 'reset' }, times: 1 });
    expect(await call(d, { method: 'POST', body: 'x' })).toHaveProperty('error');
    expect(server.count('POST')).toBe(2);
  });

  it('keeps the body of the last answer when retries run out', async () => {
    const server = await serve();
    server.addFault({ fault: { kind: 'status', status: 500, body: { fault: 'still broken' } } });
    const d = compose(server.url, retry(policy));
    const answer = await call(d, { idempotent: true });
    expect(answer).toEqual({ status: 500, body: '{"fault":"still broken"}' });
    expect(server.count('GET')).toBe(3);
  });

  it('a body cut off half way is another failed attempt, never a short success', async () => {
    const server = await serve(() => ({ status: 200, body: { ok: 'a'.repeat(1000) } }));
    server.addFault({ fault: { kind: 'truncate' }, times: 1 });
    const d = compose(server.url, retry(policy));
    const answer = await call(d, { idempotent: true });
    expect(answer).toMatchObject({ status: 200 });
    expect((answer as { body: string }).body).toBe(JSON.stringify({ ok: 'a'.repeat(1000) }));
    expect(server.count('GET')).toBe(2);
  });

  it('a Retry-After beyond the longest wait ends the retries with that answer', async () => {
    const server = await serve();
    server.addFault({ fault: { kind: 'status', status: 429, headers: { 'retry-after': '600' } } });
    const d = compose(server.url, retry(policy));
    expect(await call(d, { idempotent: true })).toMatchObject({ status: 429 });
    expect(server.count('GET')).toBe(1);
  });

  it('does not retry an open circuit: no second attempt, no backoff', async () => {
    const server = await serve();
    const breaker = new CircuitBreaker(1, 60_000);
    breaker.onFailure('ECONNREFUSED');
    retries = 0;
    const d = compose(server.url, circuitBreaker(breaker), retry(policy));
    const answer = await call(d, { idempotent: true });
    expect(answer).toHaveProperty('error.code', 'TASKHUB_CIRCUIT_OPEN');
    expect(retries).toBe(0);
    expect(server.requests).toHaveLength(0);
  });

  it('stops waiting as soon as the call is aborted', async () => {
    const server = await serve();
    server.addFault({ fault: { kind: 'status', status: 503, headers: { 'retry-after': '0.04' } } });
    const d = compose(server.url, retry({ ...policy, maxRetries: 50 }));
    const ac = new AbortController();
    const pending = call(d, { idempotent: true, signal: ac.signal });
    while (server.count('GET') < 1) await new Promise((r) => setTimeout(r, 5));
    ac.abort(new Error('gone'));
    expect(await pending).toHaveProperty('error.message', 'gone');
    const sent = server.count('GET');
    await new Promise((r) => setTimeout(r, 100));
    expect(server.count('GET')).toBe(sent);
  });
});
