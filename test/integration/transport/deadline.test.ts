// deadline.ts: the call signal (caller or total deadline) and the per-attempt first-byte timeout.

import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { callDeadline, firstByteTimeout } from '../../../src/transport/deadline.js';
import { DeadlineExceededError } from '../../../src/transport/errors.js';
import { call, usePiece } from '../../support/transport.js';
import { VendorTransport } from '../../../src/transport/vendor-transport.js';
import { DEFAULT_TRAFFIC_POLICY } from '../../../src/transport/policy.js';

const { serve, compose } = usePiece();

describe('deadlines', () => {
  it('ends an attempt without response headers with a first-byte timeout', async () => {
    const server = await serve();
    server.addFault({ fault: { kind: 'hang' } });
    const d = compose(server.url, firstByteTimeout(50));
    const answer = await call(d);
    expect(answer).toHaveProperty('error.code', 'TASKHUB_FIRST_BYTE_TIMEOUT');
  });

  it('lets a slow body through once the headers are in', async () => {
    const server = await serve(async () => ({ status: 200, body: 'late but fine' }));
    const d = compose(server.url, firstByteTimeout(5_000));
    expect(await call(d)).toEqual({ status: 200, body: 'late but fine' });
  });

  it('the call signal aborts with DeadlineExceededError, or with the caller\'s reason, and tells which', async () => {
    const timed = callDeadline(10);
    await new Promise((r) => timed.signal.addEventListener('abort', r));
    expect(timed.signal.reason).toBeInstanceOf(DeadlineExceededError);
    expect(timed.callerAborted).toBe(false);

    const caller = new AbortController();
    const d = callDeadline(60_000, caller.signal);
    caller.abort(new Error('client gone'));
    expect(d.signal.reason).toEqual(new Error('client gone'));
    expect(d.callerAborted).toBe(true);
    d.dispose();
  });

  it('tells its watcher the reason once, and no longer after it stopped watching', async () => {
    const timed = callDeadline(10);
    const seen: Error[] = [];
    timed.onAbort((reason) => seen.push(reason));
    await new Promise((r) => timed.signal.addEventListener('abort', r));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(DeadlineExceededError);

    const caller = new AbortController();
    const d = callDeadline(60_000, caller.signal);
    const stop = d.onAbort((reason) => seen.push(reason));
    stop();
    caller.abort(new Error('client gone'));
    expect(seen).toHaveLength(1);
    expect(d.signal.aborted).toBe(true);
    d.dispose();
  });

  it('makes no AbortController for a call nothing aborts, and still ends one the caller aborts', async () => {
    // One per vendor call was the largest allocation of a 50-task read by id; nothing on the way of a call
    // that succeeds needs the signal itself.
    const server = await serve(async () => ({ status: 200, body: '{}' }));
    const transport = new VendorTransport('ZUORA', server.url, DEFAULT_TRAFFIC_POLICY);
    const Real = globalThis.AbortController;
    let made = 0;
    globalThis.AbortController = class extends Real { constructor() { super(); made += 1; } };
    try {
      for (let i = 0; i < 3; i++) expect((await transport.request({ method: 'GET', path: '/t', idempotent: true })).status).toBe(200);
    } finally {
      globalThis.AbortController = Real;
    }
    expect(made).toBe(0);
    const caller = new AbortController();
    server.addFault({ fault: { kind: 'hang' } });
    const pending = transport.request({ method: 'GET', path: '/t', idempotent: true, signal: caller.signal });
    setTimeout(() => caller.abort(new Error('client gone')), 20);
    await expect(pending).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: 'ZUORA call cancelled' });
    await transport.close();
  });

  it('leaves no listener on the caller\'s signal once disposed', () => {
    const caller = new AbortController();
    const deadlines = Array.from({ length: 20 }, () => callDeadline(60_000, caller.signal));
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    for (const d of deadlines) d.dispose();
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });
});
