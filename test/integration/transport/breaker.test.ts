// breaker.ts: opens after consecutive failures with their cause, fails fast without sending, probes once.

import { describe, expect, it } from 'vitest';
import { CircuitBreaker, circuitBreaker } from '../../../src/transport/breaker.js';
import type { BreakerState } from '../../../src/transport/breaker.js';
import { call, usePiece } from '../../support/transport.js';

const { serve, compose } = usePiece();

describe('circuit breaker', () => {
  it('opens after the threshold, names the cause, sends nothing while open, then probes and closes', async () => {
    const server = await serve();
    let now = 0;
    const changes: Array<[BreakerState, string | undefined]> = [];
    const breaker = new CircuitBreaker(2, 1_000, () => now, (state, cause) => changes.push([state, cause]));
    const d = compose(server.url, circuitBreaker(breaker));
    server.addFault({ fault: { kind: 'status', status: 503 }, times: 2 });
    await call(d);
    await call(d);
    expect(breaker.state).toBe('open');
    const answer = await call(d);
    expect(answer).toHaveProperty('error.code', 'TASKHUB_CIRCUIT_OPEN');
    expect(answer).toHaveProperty('error.failure', 'HTTP_503');
    expect(server.requests).toHaveLength(2);
    now = 1_000;
    expect(await call(d)).toMatchObject({ status: 200 });
    expect(changes).toEqual([['open', 'HTTP_503'], ['half-open', 'HTTP_503'], ['closed', undefined]]);
  });

  it('a refused connection is the cause it keeps', async () => {
    const server = await serve();
    const url = server.url;
    await server.close();
    const changes: Array<[BreakerState, string | undefined]> = [];
    const breaker = new CircuitBreaker(1, 60_000, Date.now, (state, cause) => changes.push([state, cause]));
    const d = compose(url, circuitBreaker(breaker));
    await call(d);
    expect(changes).toEqual([['open', 'ECONNREFUSED']]);
    expect(await call(d)).toHaveProperty('error.failure', 'ECONNREFUSED');
  });

  it('a caller giving up neither opens the circuit nor keeps the probe slot', async () => {
    const server = await serve();
    server.addFault({ fault: { kind: 'hang' } });
    const breaker = new CircuitBreaker(1, 60_000);
    const d = compose(server.url, circuitBreaker(breaker));
    const ac = new AbortController();
    const pending = call(d, { signal: ac.signal });
    while (server.requests.length < 1) await new Promise((r) => setTimeout(r, 5));
    ac.abort(new Error('gone'));
    await pending;
    expect(breaker.state).toBe('closed');
  });

  it('a 200 whose body is cut off counts as a failure', async () => {
    const server = await serve();
    server.addFault({ fault: { kind: 'truncate' } });
    const breaker = new CircuitBreaker(1, 60_000);
    const d = compose(server.url, circuitBreaker(breaker));
    expect(await call(d)).toHaveProperty('error');
    expect(breaker.state).toBe('open');
  });
});
