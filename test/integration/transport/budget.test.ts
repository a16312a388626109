// budget-gate.ts: take() before every attempt (retries too), pause() on a 429 with a retry hint.

import { describe, expect, it } from 'vitest';
import { budgetGate } from '../../../src/transport/budget-gate.js';
import type { VendorBudget } from '../../../src/transport/budget.js';
import { retry } from '../../../src/transport/retry.js';
import { BackendError } from '../../../src/errors.js';
import { call, usePiece } from '../../support/transport.js';
import { SharedVendorBudget } from '../../../src/budget/vendor-budget.js';
import { createRateLimiter } from '../../../src/budget/rate-limiter.js';
import { createLogger } from '../../../src/logger.js';

const { serve, compose } = usePiece();

function recordingBudget(refuse = false) {
  const taken: AbortSignal[] = [];
  const paused: number[] = [];
  const budget: VendorBudget = {
    take: async (signal) => {
      taken.push(signal);
      if (refuse) throw new BackendError('ZUORA', 'BACKEND_UNAVAILABLE', 'ZUORA rate budget exhausted');
    },
    pause: (until) => { paused.push(until); },
  };
  return { budget, taken, paused };
}

describe('vendor budget', () => {
  it('is taken before every attempt, retries included, with the call\'s signal', async () => {
    const server = await serve();
    server.addFault({ fault: { kind: 'status', status: 503 }, times: 1 });
    const { budget, taken } = recordingBudget();
    const d = compose(server.url, budgetGate(budget), retry({ maxRetries: 2, baseMs: 1, maxMs: 10 }));
    const ac = new AbortController();
    expect(await call(d, { idempotent: true, signal: ac.signal })).toMatchObject({ status: 200 });
    expect(taken).toHaveLength(2);
    expect(taken.every((s) => s === ac.signal)).toBe(true);
  });

  it('a refusal fails the call before anything is sent', async () => {
    const server = await serve();
    const { budget } = recordingBudget(true);
    const d = compose(server.url, budgetGate(budget), retry({ maxRetries: 2, baseMs: 1, maxMs: 10 }));
    const answer = await call(d, { idempotent: true });
    expect(answer).toHaveProperty('error.message', 'ZUORA rate budget exhausted');
    expect(server.requests).toHaveLength(0);
  });

  it('pauses until the time a 429 names, from Retry-After (seconds or date) or RateLimit-Reset', async () => {
    const server = await serve();
    const { budget, paused } = recordingBudget();
    const d = compose(server.url, budgetGate(budget));
    // Headers made just before their call: the date's whole seconds are then the only rounding.
    const cases: Array<[() => Record<string, string>, number]> = [
      [() => ({ 'retry-after': '7' }), 7_000],
      [() => ({ 'ratelimit-reset': '30' }), 30_000],
      [() => ({ 'retry-after': new Date(Date.now() + 60_000).toUTCString() }), 60_000],
    ];
    for (const [headersNow, waitMs] of cases) {
      const before = Date.now();
      server.addFault({ fault: { kind: 'status', status: 429, headers: headersNow() }, times: 1 });
      await call(d);
      const until = paused.at(-1)!;
      // An HTTP date has whole seconds: allow for the rounding.
      expect(until).toBeGreaterThanOrEqual(before + waitMs - 1_000);
      expect(until).toBeLessThanOrEqual(Date.now() + waitMs);
    }
    server.addFault({ fault: { kind: 'status', status: 429 }, times: 1 });
    await call(d);
    expect(paused).toHaveLength(3);
  });

  it('a budget with a slot free right now is passed without take(), and a paused or rate-limited one is asked', async () => {
    const server = await serve();
    const { budget, taken } = recordingBudget();
    let free = true;
    const d = compose(server.url, budgetGate({ ...budget, takeNow: () => free }));
    expect(await call(d, {})).toMatchObject({ status: 200 });
    expect(taken).toHaveLength(0);
    free = false;
    expect(await call(d, { signal: new AbortController().signal })).toMatchObject({ status: 200 });
    expect(taken).toHaveLength(1);
  });

  it('SharedVendorBudget has a slot at once only with no rate limit and no pause in force', () => {
    const logger = createLogger({ level: 'silent', redact: (line) => line });
    let now = 1_000_000;
    const open = new SharedVendorBudget({ backend: 'ZUORA', logger, now: () => now });
    expect(open.takeNow()).toBe(true);
    void open.pause(now + 5_000);
    expect(open.takeNow()).toBe(false);
    now += 5_001;
    expect(open.takeNow()).toBe(true);
    const limited = new SharedVendorBudget({ backend: 'ZUORA', limiter: createRateLimiter(100), logger, now: () => now });
    expect(limited.takeNow()).toBe(false);
    open.close();
    limited.close();
  });

  it('SharedVendorBudget waits as long as its limiter says, and lets a call go when the limiter itself fails', async () => {
    const logger = createLogger({ level: 'silent', redact: (line) => line });
    const waits = [40, 0];
    const waiting = new SharedVendorBudget({ backend: 'ZUORA', limiter: { take: async () => waits.shift()! }, logger });
    const t0 = performance.now();
    await waiting.take(new AbortController().signal);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(35);
    expect(waits).toEqual([]);
    const broken = new SharedVendorBudget({ backend: 'ZUORA', limiter: { take: () => Promise.reject(new Error('store down')) }, logger });
    await expect(broken.take(new AbortController().signal)).resolves.toBeUndefined();
    const limiter = createRateLimiter(1);
    expect(await limiter.take('K')).toBe(0);
    expect(await limiter.take('K')).toBeGreaterThan(0);
  });
});
